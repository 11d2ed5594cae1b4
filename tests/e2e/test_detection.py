"""Automatic checks, review mode and curator notices end to end (issue [6/11]).

The teacher is the chat's curator by the roster; students write, the bot checks,
and the curator acts from the private notices' buttons, on both emulators.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select

from bot.services.digest import next_digest_at
from bot.web.stats import collect
from storage.models import Person, PlatformAction
from storage.repos import Chats, People
from tests.e2e.school import School


def button(message: dict[str, Any], text: str) -> dict[str, Any]:
    """The payload of the notice's button labelled `text`."""
    for row in message["keyboard"]["buttons"]:
        for b in row:
            label = b.get("text") or b.get("label") or b.get("action", {}).get("label", "")
            if label == text:
                payload = b.get("payload", {})
                return dict(json.loads(payload) if isinstance(payload, str) else payload)
    raise AssertionError(f"no button {text!r} in {message['keyboard']}")


async def curator(s: School, user_id: str, person_id: str, name: str) -> None:
    """Make `user_id` a curator of the chat, as the roster would."""
    assert s.app is not None
    column = "vk_user_id" if s.platform == "vk" else "max_user_id"
    async with s.app.db.transaction() as session:
        chat = await Chats(session).get_or_create(s.platform, s.chat, title="5А")
        person = Person(person_id=person_id, full_name=name, role="staff", status="active")
        setattr(person, column, user_id)
        await People(session).save(person)
        await Chats(session).add_curator(chat.id, person_id)


async def press(s: School, user: str, message: dict[str, Any], text: str) -> None:
    dialog = (await s.em.private(user))["chat_id"]
    await s.em.press(user, dialog, message["message_id"], button(message, text))


async def started(s: School, **settings: Any) -> School:
    await s.start(**settings)
    await curator(s, s.teacher, "t1", "Мария Ивановна")
    return s


async def test_obscene_is_warned_and_the_curator_withdraws_it(school: School) -> None:
    s = await started(school)
    await s.em.say(s.chat, s.student, "да иди ты нахуй")
    warned = await s.bot_says("Правило 1 «Нецензурная лексика»", "Действующих предупреждений: 1")
    assert "Дело №1" in warned["text"]
    [warn] = await s.audit("warn")
    assert (warn.actor_kind, warn.detector_name, warn.detector_version) == (
        "detector",
        "obscene",
        "1.0",
    )
    assert warn.excerpt == "нахуй" and warn.target_user_id == s.student
    notice = await s.inbox_has(s.teacher, "автоматическое предупреждение", "Дело №1")
    await press(s, s.teacher, notice, "Снять")
    await s.bot_says("Предупреждение по делу №1 снято")
    await press(s, s.teacher, notice, "Снять")  # twice: acts once
    await asyncio.sleep(0.5)
    [void] = await s.audit("void")
    assert void.corrects_id == warn.id and void.actor_id == s.teacher


async def test_personal_data_is_deleted_and_warned(school: School) -> None:
    s = await started(school)
    said = await s.em.say(s.chat, s.student, "мой номер +7 916 123 45 67 звоните")
    await s.bot_says("Правило 4 «Персональные данные»")
    await s.until(lambda: s.deleted(said))
    notice = await s.inbox_has(s.teacher, "+7 9** *** ** 67", "Сообщение удалено")
    assert "123" not in notice["text"]
    [warn] = await s.audit("warn")
    assert warn.detector_name == "personal_data" and warn.excerpt == "+7 9** *** ** 67"


async def test_insult_goes_to_review_and_is_marked_false(school: School) -> None:
    s = await started(school)
    await s.em.say(s.chat, s.student, "ты дебил")
    notice = await s.inbox_has(s.teacher, "возможное нарушение", "«Оскорбление участников»")
    assert not await s.bot_texts()  # nothing in the chat
    await press(s, s.teacher, notice, "Ложное срабатывание")
    await press(s, s.teacher, notice, "Ложное срабатывание")
    [fp] = await s.until(lambda: s.audit("false_positive"))
    assert (fp.detector_name, fp.detector_version, fp.actor_id) == ("insult", "1.0", s.teacher)
    await press(s, s.teacher, notice, "Предупредить")  # after a false positive: refused
    await asyncio.sleep(0.5)
    assert len(await s.audit("false_positive")) == 1 and not await s.audit("warn")
    assert not await s.bot_texts()
    assert s.app is not None
    async with s.app.db.transaction() as session:
        stats = await collect(session, None, s.clock.now(), 1)
    assert stats.false_positives["insult"] == 1 and stats.findings["insult"] == 1


async def test_review_warn_button_warns_once(school: School) -> None:
    s = await started(school)
    await s.em.say(s.chat, s.student, "ты дебил")
    notice = await s.inbox_has(s.teacher, "возможное нарушение")
    await press(s, s.teacher, notice, "Предупредить")
    await s.bot_says("Правило 2 «Оскорбление участников»")
    await press(s, s.teacher, notice, "Предупредить")
    await asyncio.sleep(0.5)
    [warn] = await s.audit("warn")
    assert warn.actor_id == s.teacher and warn.rule_code == "insult"


async def test_flood_goes_to_review_and_innocent_words_pass(school: School) -> None:
    s = await started(school)
    for word in ("скипидар", "команда", "употреблять", "психология", "колебаться"):
        await s.em.say(s.chat, s.other, f"{word} рубля хлебать")
    for n in range(8):
        await s.em.say(s.chat, s.student, f"сообщение {n}")
    notice = await s.inbox_has(s.teacher, "возможное нарушение", "«Флуд")
    assert "flood" in notice["text"]
    findings = await s.audit("finding")
    assert [f.rule_code for f in findings] == ["flood"] and findings[0].target_user_id == s.student
    assert not await s.bot_texts() and not await s.audit("warn")


async def test_curator_refusing_private_messages_is_recorded(school: School) -> None:
    s = await started(school)
    body = {"name": "Ирина Закрытая", "allows_messages": False}
    shy = str((await s.em._req("POST", "/users", body))["user_id"])
    await curator(s, shy, "c2", "Ирина Закрытая")
    await s.em.say(s.chat, s.student, "ну ты и дебил")
    assert s.app is not None
    app = s.app

    async def refused() -> list[PlatformAction]:
        async with app.db.transaction() as session:
            rows = (await session.execute(select(PlatformAction))).scalars()
            return [
                r
                for r in rows
                if r.kind == "private"
                and r.params.get("user_id") == shy
                and r.status == "failed"
                and (r.error or "").startswith("PrivacyRefused")
            ]

    await s.until(refused)
    async with app.db.transaction() as session:
        stats = await collect(session, None, s.clock.now(), 1)
    assert stats.unreachable == ["Ирина Закрытая"]
    await s.inbox_has(s.teacher, "возможное нарушение")  # the other curator still gets it


async def test_daily_digest_at_the_configured_time(school: School) -> None:
    s = school
    s.clock.set(datetime(2026, 10, 5, 9, 0, tzinfo=UTC))
    await started(s, digest_time="18:30")
    await s.em.say(s.chat, s.student, "ты дебил")
    await s.inbox_has(s.teacher, "возможное нарушение")
    assert s.app is not None
    m = s.app.services.m
    due = m.timers.pending()["digest"]
    assert due == next_digest_at(s.clock.now(), time(18, 30), m)
    assert due.astimezone(m.formats.zone).hour == 18
    s.clock.set(due)
    await m.timers.run_due()
    digest = await s.inbox_has(s.teacher, "Сводка за", "«5А»", "находок на проверку — 1")
    assert "предупреждений — 0" in digest["text"]
    assert m.timers.pending()["digest"] > due  # armed again for tomorrow
