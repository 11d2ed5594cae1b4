"""A replayed decision applies its effects outside the database again: the first run
may have committed and then lost Redis (worker mode raises, and the event is handled
again) or died before it muted, unmuted or armed the block's end."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.moderation import Actor, BlockArgs, Target, UnblockArgs, default_ruleset
from bot.services import ModerationServices
from storage import Database
from storage.repos import AuditLog, Blocks, Chats
from tests.bot.fakes import FakeAdapter
from tests.bot.services.conftest import STUDENT, TEACHER, make_services


def _chat() -> str:
    return str(2_000_000_000 + uuid.uuid4().int % 1_000_000)


def _fail_once(services: ModerationServices, name: str) -> list[int]:
    """Make `restrictions.<name>` raise as Redis does when it is away, once."""
    restrictions = services.m.restrictions
    real: Callable[..., Awaitable[None]] = getattr(restrictions, name)
    calls: list[int] = []

    async def flaky(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RedisConnectionError("Connection refused")
        await real(*args)

    setattr(restrictions, name, flaky)
    return calls


async def _audit(db: Database, chat: str) -> list[str]:
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        assert row is not None
        return [r.action for r in reversed(await AuditLog(session).page(chat_id=row.id))]


async def _block(services: ModerationServices, chat: str, key: str) -> None:
    rule = default_ruleset().resolve("оск")
    assert rule is not None
    args = BlockArgs(Target(STUDENT, "id"), 3, rule)
    assert await services.blocking.block(key, chat, args, Actor.person(TEACHER)) is None


async def test_a_block_replayed_after_its_mute_failed_mutes(
    services: ModerationServices, db: Database
) -> None:
    m, chat = services.m, _chat()
    calls = _fail_once(services, "mute")
    with pytest.raises(RedisConnectionError):  # committed, then Redis went away
        await _block(services, chat, f"{chat}:b")
    assert not await m.restrictions.is_muted("vk", chat, STUDENT, m.clock.now())
    await _block(services, chat, f"{chat}:b")  # the worker handles the event again
    assert len(calls) == 2
    assert await m.restrictions.is_muted("vk", chat, STUDENT, m.clock.now())
    assert [n for n in m.timers.pending() if n.startswith("block:")]  # its end is armed
    assert await _audit(db, chat) == ["block"]  # decided once


async def test_an_automatic_block_replayed_after_its_mute_failed_mutes(
    db: Database, adapter: FakeAdapter
) -> None:
    services = make_services(db, adapter, on_threshold="auto")
    m, chat = services.m, _chat()
    rule = default_ruleset().resolve("мат")
    assert rule is not None
    for n in range(3):
        await services.warnings.warn(f"{chat}:{n}", chat, STUDENT, rule, Actor.person(TEACHER))
    _fail_once(services, "mute")
    with pytest.raises(RedisConnectionError):  # the fourth warning blocks
        await services.warnings.warn(f"{chat}:3", chat, STUDENT, rule, Actor.person(TEACHER))
    await services.warnings.warn(f"{chat}:3", chat, STUDENT, rule, Actor.person(TEACHER))
    assert await m.restrictions.is_muted("vk", chat, STUDENT, m.clock.now())
    assert await _audit(db, chat) == ["warn", "warn", "warn", "warn", "block"]


async def test_an_unblock_replayed_after_its_unmute_failed_unmutes(
    db: Database, adapter: FakeAdapter
) -> None:
    services = make_services(db, adapter, moderator_override=True)
    m, chat = services.m, _chat()
    await _block(services, chat, f"{chat}:b")
    _fail_once(services, "unmute")
    args = UnblockArgs(Target(STUDENT, "id"), "извинился при всех")
    with pytest.raises(RedisConnectionError):
        await services.blocking.unblock(f"{chat}:u", chat, args, Actor.person(TEACHER))
    assert await m.restrictions.is_muted("vk", chat, STUDENT, m.clock.now())  # still
    assert await services.blocking.unblock(f"{chat}:u", chat, args, Actor.person(TEACHER)) is None
    assert not await m.restrictions.is_muted("vk", chat, STUDENT, m.clock.now())
    assert await _audit(db, chat) == ["block", "unblock"]


async def test_a_late_replay_follows_the_database_not_the_first_run(
    services: ModerationServices, db: Database
) -> None:
    """A block replayed after it was lifted (here straight in the database, its unmute
    lost) leaves the person unmuted."""
    m, chat = services.m, _chat()
    await _block(services, chat, f"{chat}:b")
    async with db.transaction() as session:
        row = await Chats(session).find("vk", chat)
        assert row is not None
        [block] = await Blocks(session).active(row.id, m.clock.now(), STUDENT)
        assert await Blocks(session).lift(block.id, by="test", reason="test", at=m.clock.now())
    await _block(services, chat, f"{chat}:b")  # a redelivery, after the lift
    assert not await m.restrictions.is_muted("vk", chat, STUDENT, m.clock.now())
