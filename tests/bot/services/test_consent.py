"""The consent flow through the services, on SQLite and PostgreSQL (issue [5/11])."""

from __future__ import annotations

import uuid
from typing import Any

from adapters.base import Event, EventKind
from bot.clock import FakeClock
from bot.moderation import Actor, BlockArgs, Target, default_ruleset
from bot.services import ModerationServices
from storage import Database
from storage.repos import AuditLog, Blocks, Chats, ConsentWindows
from tests.bot.fakes import FakeAdapter
from tests.bot.services.conftest import COLLEAGUE, STUDENT, TEACHER, make_services


def _chat() -> str:
    return str(2_000_000_000 + uuid.uuid4().int % 1_000_000)


def _event(chat: str, user: str, n: str, **kw: Any) -> Event:
    private = kw.pop("private", False)
    kind = EventKind.BUTTON if "payload" in kw else EventKind.MESSAGE
    return Event(
        "vk", kind, chat, user, message_id=n, is_private=private, event_id=f"{chat}-{n}", **kw
    )


async def _blocked_and_apologised(services: ModerationServices, chat: str) -> None:
    rule = default_ruleset().resolve("оск")
    assert rule is not None
    args = BlockArgs(Target(STUDENT, "id"), 3, rule)
    assert await services.blocking.block(f"{chat}:b", chat, args, Actor.person(TEACHER)) is None
    event = _event(STUDENT, STUDENT, f"a-{chat}", private=True)
    await services.consent.apologies.apologize(event, f"Простите меня, я был неправ ({chat})")


async def _actions(db: Database, chat: str) -> list[str]:
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        assert row is not None
        return [r.action for r in reversed(await AuditLog(session).page(chat_id=row.id))]


async def test_window_passes_and_auto_unblocks(db: Database, adapter: FakeAdapter) -> None:
    adapter.admins.append(COLLEAGUE)
    services = make_services(db, adapter, consent={"auto_open": True, "auto_unblock": True})
    chat = _chat()
    await _blocked_and_apologised(services, chat)
    timers = services.m.timers
    [name] = [n for n in timers.pending() if n.startswith("window:")]
    clock = services.m.clock
    assert isinstance(clock, FakeClock)
    clock.advance(hours=24, seconds=1)
    await timers.run_due()
    actions = await _actions(db, chat)
    assert actions == ["block", "apology", "window_opened", "window_closed", "unblock"]
    async with db.transaction() as session:
        assert not await ConsentWindows(session).open_windows()
        blocks = await Blocks(session).pending_ends()
    assert not [b for b in blocks if b.target_user_id == STUDENT and b.chat_id]
    assert name not in timers.pending()


async def test_objection_closes_the_window_once(db: Database, adapter: FakeAdapter) -> None:
    adapter.admins.append(COLLEAGUE)  # the fake lists admins as the members
    services = make_services(db, adapter, consent={"auto_open": True})
    chat = _chat()
    await _blocked_and_apologised(services, chat)
    async with db.transaction() as session:
        [window] = await ConsentWindows(session).open_windows()
    windows = services.consent.windows
    press = {"cmd": "c_object", "w": window.id}
    assert "Возразить могут" in await windows.object(_event(chat, "999", "p0", payload=press))
    assert "учтено" in await windows.object(_event(chat, COLLEAGUE, "p1", payload=press))
    assert "уже возразили" in await windows.object(_event(chat, COLLEAGUE, "p2", payload=press))
    actions = await _actions(db, chat)
    assert actions.count("objection") == 1 and actions.count("window_closed") == 1
    assert "unblock" not in actions


async def test_rearm_closes_a_window_that_came_due(db: Database, adapter: FakeAdapter) -> None:
    policy = {"consent": {"auto_open": True, "auto_unblock": True}}
    services = make_services(db, adapter, **policy)
    chat = _chat()
    await _blocked_and_apologised(services, chat)
    again = make_services(db, adapter, **policy)  # a restart on the same database
    clock = again.m.clock
    assert isinstance(clock, FakeClock)
    clock.advance(hours=25)
    assert await again.consent.rearm() >= 1
    assert (await _actions(db, chat))[-2:] == ["window_closed", "unblock"]
