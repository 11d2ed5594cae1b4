"""Automatic checks, review buttons, curator notices and the digest through the
services, on SQLite and PostgreSQL (issue [6/11])."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.base import Event, EventKind
from bot.services import ModerationServices
from storage import Database
from storage.models import AuditRecord, MessageCount, Person, PlatformAction
from storage.repos import Chats, People
from tests.bot.fakes import FakeAdapter
from tests.bot.services.conftest import STUDENT, TEACHER, make_services

CURATOR = "31"


@pytest.fixture(autouse=True)
async def drained(services: ModerationServices) -> AsyncIterator[None]:
    """Carry out what a test queued: the database is shared, and another test's
    runner must not meet these rows (and their faults) later."""
    yield
    while await services.m.actions.process_due():
        pass


def _chat() -> str:
    return str(2_000_000_000 + uuid.uuid4().int % 1_000_000)


def _msg(chat: str, text: str, mid: str, user: str = STUDENT, **kw: object) -> Event:
    kind = kw.pop("kind", EventKind.MESSAGE)
    return Event(
        platform="vk",
        kind=kind,  # type: ignore[arg-type]
        chat_id=chat,
        user_id=user,
        message_id=mid,
        text=text,
        event_id=f"{chat}:{mid}:{kind}:{uuid.uuid4().hex[:6]}",
    )


async def _with_curator(db: Database, chat: str, account: str = CURATOR) -> None:
    async with db.transaction() as session:
        row = await Chats(session).get_or_create("vk", chat, title="7Б")
        person_id = f"p{account}-{chat}"
        person = Person(person_id=person_id, full_name="Куратор", role="staff", vk_user_id=account)
        await People(session).save(person)
        await Chats(session).add_curator(row.id, person_id)


async def _rows(db: Database, chat: str) -> tuple[list[AuditRecord], list[PlatformAction]]:
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        audit = [] if row is None else list(
            (await session.execute(
                select(AuditRecord).where(AuditRecord.chat_id == row.id).order_by(AuditRecord.id)
            )).scalars()
        )  # fmt: skip
        ids = {a.id for a in audit}
        actions = [
            a
            for a in (await session.execute(select(PlatformAction))).scalars()
            if a.audit_id in ids
        ]
    return audit, actions


async def test_obscene_is_warned_by_the_detector_and_the_curator_told(
    services: ModerationServices, db: Database
) -> None:
    chat = _chat()
    await _with_curator(db, chat)
    text = "да пошёл ты нахуй, Вася"
    await services.detection.check(_msg(chat, text, "5"))
    await services.detection.check(_msg(chat, text, "5"))  # replayed
    await services.detection.check(_msg(chat, text, "5", kind=EventKind.MESSAGE_EDITED))
    audit, actions = await _rows(db, chat)
    [warn] = audit
    assert (warn.action, warn.actor_kind, warn.detector_name) == ("warn", "detector", "obscene")
    assert (
        warn.excerpt == "нахуй" and warn.rule_code == "obscene" and warn.reason == "obscene@12-17"
    )
    kinds = sorted((a.kind, a.params.get("user_id")) for a in actions)
    assert kinds == [("private", CURATOR), ("send", None)]
    stored = " ".join(str(a.params) for a in actions) + str(vars(warn))
    assert "Вася" not in stored and "пошёл" not in stored  # never the message text


async def test_personal_data_deleted_and_warned(services: ModerationServices, db: Database) -> None:
    chat = _chat()
    await services.detection.check(_msg(chat, "пишите 8 (916) 123-45-67", "9"))
    [warn], actions = await _rows(db, chat)
    assert warn.detector_name == "personal_data" and "123" not in (warn.excerpt or "")
    deleted = [a for a in actions if a.kind == "delete"]
    assert [a.params["message_ids"] for a in deleted] == [["9"]]
    # No curator set: the notice goes to the chat's platform admins.
    assert {a.params.get("user_id") for a in actions if a.kind == "private"} == {TEACHER, "12"}


async def test_review_buttons_act_once_and_exclude_each_other(
    services: ModerationServices, db: Database, adapter: FakeAdapter
) -> None:
    chat = _chat()
    await _with_curator(db, chat, TEACHER)
    await services.detection.check(_msg(chat, "ты дебил", "3"))
    [finding], actions = await _rows(db, chat)
    assert finding.action == "finding" and finding.detector_name == "insult"
    [notice] = [a for a in actions if a.kind == "private"]
    labels = [b["text"] for row in notice.params["keyboard"] for b in row]
    assert labels == ["Предупредить", "Удалить", "Ложное срабатывание"]

    def press(action: str, user: str = TEACHER) -> Event:
        payload = {"cmd": "det_review", "f": finding.id, "a": action, "m": "3"}
        return Event("vk", EventKind.BUTTON, user, user, payload=payload, is_private=True)

    review = services.review
    assert await review.finding_pressed(press("fp", STUDENT)) == (
        "Эта команда доступна только модераторам чата."
    )
    assert await review.finding_pressed(press("fp")) == "Отмечено как ложное срабатывание."
    await review.finding_pressed(press("fp"))
    assert "ложное" in await review.finding_pressed(press("warn"))
    audit, _ = await _rows(db, chat)
    [fp] = [a for a in audit if a.action == "false_positive"]
    assert (fp.detector_name, fp.detector_version, fp.actor_id) == ("insult", "1.0", TEACHER)
    assert fp.corrects_id == finding.id and not [a for a in audit if a.action == "warn"]


async def test_review_warn_and_delete(services: ModerationServices, db: Database) -> None:
    chat = _chat()
    await services.detection.check(_msg(chat, "вы идиоты", "4"))
    [finding], _ = await _rows(db, chat)
    review = services.review
    for action in ("warn", "warn", "delete", "delete"):
        payload = {"cmd": "det_review", "f": finding.id, "a": action, "m": "4"}
        await review.finding_pressed(
            Event("vk", EventKind.BUTTON, TEACHER, TEACHER, payload=payload)
        )
    payload = {"cmd": "det_review", "f": finding.id, "a": "fp"}
    answer = await review.finding_pressed(
        Event("vk", EventKind.BUTTON, TEACHER, TEACHER, payload=payload)
    )
    assert answer == "По этой находке уже приняты меры."
    audit, _ = await _rows(db, chat)
    assert [a.action for a in audit] == ["finding", "warn", "delete"]
    assert audit[1].actor_id == TEACHER and audit[1].rule_code == "insult"


async def test_curator_withdraws_or_confirms_an_automatic_warning(
    services: ModerationServices, db: Database
) -> None:
    chat = _chat()
    await services.detection.check(_msg(chat, "t.me/joinchat/abc заходите", "6"))
    [warn], _ = await _rows(db, chat)
    review = services.review

    def press(action: str) -> Event:
        payload = {"cmd": "det_warning", "c": chat, "n": warn.case_number, "a": action}
        return Event("vk", EventKind.BUTTON, TEACHER, TEACHER, payload=payload)

    assert await review.warning_pressed(press("ok")) == "Предупреждение подтверждено."
    assert await review.warning_pressed(press("void")) == "Предупреждение снято."
    assert await review.warning_pressed(press("void")) == "Предупреждение снято."
    audit, _ = await _rows(db, chat)
    assert [a.action for a in audit] == ["warn", "confirm", "void"]


async def test_moderators_are_reviewed_and_their_commands_skipped(
    services: ModerationServices, db: Database
) -> None:
    chat = _chat()
    await services.detection.check(_msg(chat, "/пред 21 мат сказал нахуй", "1", TEACHER))
    await services.detection.check(_msg(chat, "ну нахуй такие оценки", "2", TEACHER))
    audit, _ = await _rows(db, chat)
    assert [(a.action, a.target_user_id) for a in audit] == [("finding", TEACHER)]


async def test_flood_is_one_review_and_messages_are_counted(
    services: ModerationServices, db: Database
) -> None:
    chat = _chat()
    for n in range(12):
        await services.detection.check(_msg(chat, f"привет {n}", str(n)))
    for n in range(3):
        await services.detection.check(_msg(chat, "одно и то же", f"r{n}", "22"))
    audit, _ = await _rows(db, chat)
    assert [(a.action, a.rule_code, a.target_user_id) for a in audit] == [
        ("finding", "flood", STUDENT),
        ("finding", "flood", "22"),
    ]
    assert audit[0].reason == "rate@0-8" and audit[1].reason == "repeat@0-12"
    assert await services.detection.seen.flush() == 15
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        assert row is not None
        counts = (
            await session.execute(select(MessageCount).where(MessageCount.chat_id == row.id))
        ).scalars()
        assert [c.count for c in counts] == [15]


async def test_innocent_words_touch_nothing(services: ModerationServices, db: Database) -> None:
    chat = _chat()
    for n, text in enumerate(["скипидар", "команда употреблять", "психология тебя колебаться"]):
        await services.detection.check(_msg(chat, text, str(n), str(40 + n)))
    audit, _ = await _rows(db, chat)
    assert audit == []


async def test_a_block_reaches_the_curators(db: Database, adapter: FakeAdapter) -> None:
    services = make_services(db, adapter, on_threshold="auto")
    chat = _chat()
    await _with_curator(db, chat)
    for n in range(4):
        await services.detection.check(_msg(chat, "иди нахуй", str(n)))
    audit, actions = await _rows(db, chat)
    [block] = [a for a in audit if a.action == "block"]
    notices = [a for a in actions if a.audit_id == block.id and a.kind == "private"]
    assert [a.params["user_id"] for a in notices] == [CURATOR]
    assert "заблокирован(а)" in notices[0].params["text"]
    while await services.m.actions.process_due():
        pass


async def test_digest_sums_the_day_per_curator(services: ModerationServices, db: Database) -> None:
    chat = _chat()
    account = str(uuid.uuid4().int % 10**9)
    await _with_curator(db, chat, account)
    await services.detection.check(_msg(chat, "ты дебил", "1"))
    await services.detection.check(_msg(chat, "иди нахуй", "2"))
    when = services.digest.arm()
    assert services.m.timers.pending()["digest"] == when
    services.m.clock.set(when)  # type: ignore[attr-defined]
    await services.m.timers.run_due()
    async with db.transaction() as session:
        rows = (await session.execute(select(PlatformAction))).scalars()
        sent = [
            r
            for r in rows
            if r.params.get("user_id") == account and "Сводка" in r.params.get("text", "")
        ]
    assert len(sent) == 1
    assert "находок на проверку — 1, предупреждений — 1" in sent[0].params["text"]
    assert services.m.timers.pending()["digest"] == when + timedelta(days=1)
