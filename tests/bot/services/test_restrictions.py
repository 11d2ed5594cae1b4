"""The mute and hold map in memory, in Redis shared by two workers, and behind a fallback.

`second` is another process's view of the same map: the same object in memory, a
second `Restrictions` over its own Redis client otherwise (issue [11/11]: the
scheduler leader lifts a block another worker enforces).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.services import Regulation, Restrictions
from storage import Database
from storage.repos import Blocks, Chats, Memberships
from storage.state import FallbackState, RedisState, make_state
from tests.storage.conftest import REDIS_URL
from tests.storage.redis_server import RedisServer, redis_server  # noqa: F401

NOW = datetime.now(UTC).replace(microsecond=0)
DAY = timedelta(days=1)
Pair = tuple[Restrictions, Restrictions]


def _ids() -> tuple[str, str]:
    return f"chat-{uuid.uuid4().hex[:8]}", f"user-{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=["memory", "redis", "fallback"])
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[Pair]:
    if request.param == "memory":
        only = Restrictions()
        yield only, only
        return
    prefix = f"etiket-test:{uuid.uuid4().hex}:"
    redis = [RedisState(Redis.from_url(REDIS_URL), prefix=prefix) for _ in range(2)]
    states = [FallbackState(r) if request.param == "fallback" else r for r in redis]
    try:
        yield Restrictions(states[0]), Restrictions(states[1])
    finally:
        keys = [key async for key in redis[0].client.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis[0].client.delete(*keys)
        for state in states:
            await state.close()


async def test_a_mute_lasts_until_its_end_and_is_lifted_anywhere(pair: Pair) -> None:
    first, second = pair
    chat, user = _ids()
    await first.mute("vk", chat, user, NOW + DAY, NOW)
    assert await first.is_muted("vk", chat, user, NOW)
    assert await second.is_muted("vk", chat, user, NOW + DAY - timedelta(seconds=1))
    assert not await second.is_muted("vk", chat, user, NOW + DAY)
    assert not await second.is_muted("max", chat, user, NOW)  # the key names the platform
    assert not await second.is_muted("vk", chat, "someone-else", NOW)
    await second.unmute("vk", chat, user)  # the scheduler leader lifts it
    assert not await first.is_muted("vk", chat, user, NOW)


async def test_a_newcomer_is_held_until_released(pair: Pair) -> None:
    first, second = pair
    chat, user = _ids()
    await first.hold("max", chat, user)
    await first.mute("max", chat, user, NOW + DAY, NOW)
    standing = await second.of("max", chat, user, NOW)
    assert standing.muted and standing.held
    await second.release("max", chat, user)
    assert not await first.is_held("max", chat, user)
    assert (await first.of("max", chat, user, NOW)).muted


async def test_a_mute_already_over_restricts_nothing(pair: Pair) -> None:
    first, second = pair
    chat, user = _ids()
    await first.mute("vk", chat, user, NOW - timedelta(seconds=1), NOW)
    assert not await second.is_muted("vk", chat, user, NOW)


async def test_redis_keys_expire_with_the_mute_and_cost_one_round_trip() -> None:
    prefix = f"etiket-test:{uuid.uuid4().hex}:"
    state = RedisState(Redis.from_url(REDIS_URL), prefix=prefix)
    client, restrictions = state.client, Restrictions(state)
    try:
        await restrictions.mute("vk", "2000000001", "42", NOW + timedelta(hours=1), NOW)
        await restrictions.hold("vk", "2000000001", "43")
        mute = f"{prefix}mute:vk:2000000001:42"
        assert await client.get(mute) == (NOW + timedelta(hours=1)).isoformat().encode()
        assert 3_590_000 < await client.pttl(mute) <= 3_600_000
        assert await client.pttl(f"{prefix}held:vk:2000000001:43") == -1  # until released

        commands: list[Any] = []
        execute = client.execute_command

        async def counting(*args: Any, **options: Any) -> Any:
            commands.append(args[0])
            return await execute(*args, **options)

        client.execute_command = counting  # type: ignore[method-assign]
        await restrictions.of("vk", "2000000001", "42", NOW)
        assert commands == ["MGET"]
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        await client.delete(*keys)
        await state.close()


async def test_load_rebuilds_from_the_database_and_may_run_twice(db: Database, pair: Pair) -> None:
    first, second = pair
    async with db.transaction() as session:
        chat = await Chats(session).get_or_create("vk", _ids()[0], title="5А")
        blocks = Blocks(session)
        await blocks.add(chat.id, "muted", "obscene", ends_at=NOW + DAY, starts_at=NOW - DAY)
        await blocks.add(chat.id, "removed", "obscene", ends_at=NOW + DAY, mode="remove")
        await Memberships(session).joined(chat.id, "newcomer", at=NOW)
    pid = chat.platform_chat_id
    # Left over from before a restart: a lifting that never reached the map, a hold
    # in a chat that no longer holds newcomers. The database backs neither.
    await first.mute("vk", pid, "lifted", NOW + DAY, NOW)
    await first.hold("vk", pid, "acknowledged")
    regulation = Regulation(policy={"hold_newcomers": True})
    await first.load(db, regulation, NOW)
    await first.load(db, regulation, NOW)  # every worker loads at start
    assert await second.is_muted("vk", pid, "muted", NOW)
    assert not await second.is_muted("vk", pid, "removed", NOW)  # a kick, not a mute
    assert await second.is_held("vk", pid, "newcomer")
    assert not await second.is_muted("vk", pid, "lifted", NOW)
    assert not await second.is_held("vk", pid, "acknowledged")
    await first.load(db, Regulation(policy={"hold_newcomers": False}), NOW)
    assert not await second.is_held("vk", pid, "newcomer")
    assert await second.is_muted("vk", pid, "muted", NOW)


async def test_what_changed_while_redis_was_away_is_written_back(
    redis_server: RedisServer,  # noqa: F811
) -> None:
    state = make_state(redis_server.url)
    assert isinstance(state, FallbackState)
    restrictions = Restrictions(state)
    reader_state = RedisState(redis_server.client(), prefix=state.redis.prefix)
    reader = Restrictions(reader_state)  # reads Redis only
    try:
        await restrictions.mute("vk", "c", "early", NOW + DAY, NOW)
        await redis_server.kill()
        assert await restrictions.is_muted("vk", "c", "early", NOW)  # from its own copy
        await restrictions.mute("vk", "c", "during", NOW + DAY, NOW)
        await restrictions.unmute("vk", "c", "early")
        await restrictions.hold("vk", "c", "newcomer")
        assert state.degraded
        assert await restrictions.is_muted("vk", "c", "during", NOW)

        await redis_server.start()  # empty: no persistence, as after a crash
        await state.ping()  # recovers now, and writes the copy back
        assert not state.degraded
        assert await reader.is_muted("vk", "c", "during", NOW)
        assert not await reader.is_muted("vk", "c", "during", NOW + DAY)
        assert not await reader.is_muted("vk", "c", "early", NOW)
        assert await reader.is_held("vk", "c", "newcomer")
        assert await restrictions.is_muted("vk", "c", "during", NOW)  # from Redis again
    finally:
        await reader_state.close()
        await state.close()
