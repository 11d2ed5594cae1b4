"""Warnings and the block step through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

from adapters.base import Event, EventKind
from bot.clock import FakeClock
from bot.moderation import Actor, default_ruleset
from bot.services import ModerationServices
from storage import Database
from storage.repos import AuditLog, Blocks, Chats, Outbox, Strikes
from tests.bot.fakes import FakeAdapter
from tests.bot.services.conftest import STUDENT, TEACHER, make_services


def _chat() -> str:
    return str(2_000_000_000 + uuid.uuid4().int % 1_000_000)


async def _warn(services: ModerationServices, chat: str, key: str) -> None:
    rule = default_ruleset().resolve("мат")
    assert rule is not None
    await services.warnings.warn(key, chat, STUDENT, rule, Actor.person(TEACHER), "", "1")


async def test_fourth_strike_proposes_a_block(services: ModerationServices, db: Database) -> None:
    chat = _chat()
    for n in range(4):
        await _warn(services, chat, f"vk:{chat}:{n}")
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        assert row is not None
        now = services.m.clock.now()
        assert await Strikes(session).active_weight(row.id, STUDENT, now) == 4
        records = await AuditLog(session).page(chat_id=row.id)
        proposal = await Outbox(session).by_key(f"vk:{chat}:3:propose:{TEACHER}")
    assert [r.case_number for r in records] == [4, 3, 2, 1]
    assert proposal is not None and proposal.params["keyboard"][0][0]["payload"]["d"] == 3


async def test_a_replayed_warning_is_recorded_once(
    services: ModerationServices, db: Database
) -> None:
    chat = _chat()
    await _warn(services, chat, f"vk:{chat}:same")
    await _warn(services, chat, f"vk:{chat}:same")
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        assert row is not None
        assert len(await Strikes(session).history(row.id, STUDENT)) == 1
        [record] = await AuditLog(session).page(chat_id=row.id)
        sends = await Outbox(session).for_audit(record.id)
    assert [a.kind for a in sends] == ["send"]


async def test_auto_mode_blocks_and_the_timer_lifts_it(db: Database, adapter: FakeAdapter) -> None:
    services = make_services(db, adapter, on_threshold="auto")
    chat = _chat()
    for n in range(4):
        await _warn(services, chat, f"vk:{chat}:{n}")
    m = services.m
    assert await m.restrictions.is_muted("vk", chat, STUDENT, m.clock.now())
    [name] = m.timers.pending()
    assert isinstance(m.clock, FakeClock)
    m.clock.advance(days=3, seconds=1)  # obscene: 3 days by default
    assert await m.timers.run_due() == 1
    assert not await m.restrictions.is_muted("vk", chat, STUDENT, m.clock.now())
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        assert row is not None
        assert await Blocks(session).active(row.id, m.clock.now(), STUDENT) == []
        actions = [r.action for r in await AuditLog(session).page(chat_id=row.id)]
    assert actions[:2] == ["unblock", "block"] and name.startswith("block:")


async def test_a_restart_rearms_and_runs_a_due_unblock(db: Database, adapter: FakeAdapter) -> None:
    first = make_services(db, adapter, on_threshold="auto")
    chat = _chat()
    for n in range(4):
        await _warn(first, chat, f"vk:{chat}:{n}")
    second = make_services(db, adapter)
    clock = second.m.clock
    assert isinstance(clock, FakeClock)
    clock.set(first.m.clock.now())
    clock.advance(days=4)
    await second.blocking.rearm()  # what `start()` does
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        assert row is not None
        actions = [r.action for r in await AuditLog(session).page(chat_id=row.id)]
    assert actions[0] == "unblock"


async def test_a_student_is_refused_with_an_audit_row(
    services: ModerationServices, db: Database
) -> None:
    chat = _chat()
    event = Event(
        "vk",
        EventKind.MESSAGE,
        chat,
        STUDENT,
        "5",
        text=f"/пред {TEACHER} мат",
        event_id=uuid.uuid4().hex,
    )
    await services.commands.handle(event)
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        assert row is not None
        [record] = await AuditLog(session).page(chat_id=row.id)
        [answer] = await Outbox(session).for_audit(record.id)
    assert record.action == "denied" and record.reason == "refusal.not_moderator"
    assert "только модераторам" in answer.params["text"]
