"""`FallbackState`: Redis goes away mid-run, moderation goes on from memory, and back.

Each test runs its own `redis-server` (tests.storage.redis_server) and kills it with
SIGKILL, like a crash; the shared Redis on 6379 is never touched.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from storage.state import FallbackState, RedisState, make_state
from tests.storage.redis_server import RedisServer, redis_server, until  # noqa: F401

DOWN = "Redis unavailable, using in-process state"
BACK = "Redis is back"


def _lines(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "etiket.state" and text in r.getMessage()]


@pytest.fixture
async def state(redis_server: RedisServer) -> AsyncIterator[FallbackState]:  # noqa: F811
    made = make_state(redis_server.url, prefix=f"etiket-test:{uuid.uuid4().hex}:")
    assert isinstance(made, FallbackState)
    made.retry_every = 0.05  # probe often: the test polls for the switch back
    yield made
    await made.close()


async def test_keeps_working_from_memory_and_switches_back(
    state: FallbackState,
    redis_server: RedisServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="etiket.state")
    assert await state.remember("vk:1", 30) is True
    assert await state.known("vk:1") and not state.degraded and state.reason == ""

    await redis_server.kill()
    started = time.monotonic()
    assert await state.remember("vk:2", 30) is True  # answered from memory
    assert time.monotonic() - started < 1.0, "a refused connection must not stall"
    assert await state.remember("vk:2", 30) is False
    assert await state.known("vk:2") is True
    assert [await state.hit("flood:u", 10) for _ in range(3)] == [1, 2, 3]
    assert await state.reserve("send", 10.0) == pytest.approx(0.0, abs=0.01)
    async with state.lock("scheduler", 5) as held:
        assert held is True
        async with state.lock("scheduler", 5) as other:
            assert other is False  # process-local, but still exclusive
    await state.forget("vk:2")
    assert await state.known("vk:2") is False

    assert state.degraded is True
    assert "ConnectionError" in state.reason
    [warning] = _lines(caplog, DOWN)  # one line for the outage, not one per call
    assert warning.levelno == logging.WARNING and state.reason in warning.getMessage()

    await redis_server.start()

    async def switched_back() -> bool:
        await state.known("poll")  # each call may start a probe, at most every 50 ms
        return not state.degraded

    await until(switched_back)
    assert state.reason == ""
    assert len(_lines(caplog, BACK)) == 1
    assert len(_lines(caplog, DOWN)) == 1
    assert await state.remember("vk:3", 30) is True
    client = redis_server.client()
    try:
        assert await client.exists(f"{state.redis.prefix}seen:vk:3") == 1
    finally:
        await client.aclose()


async def test_ping_reports_an_outage_and_a_recovery_at_once(
    state: FallbackState,
    redis_server: RedisServer,  # noqa: F811
) -> None:
    """/healthz calls `ping` first, so it sees a change without waiting for an event."""
    state.retry_every = 60.0  # no background probe would come in this test's lifetime
    assert await state.ping() is True
    assert not state.degraded
    await redis_server.kill()
    assert await state.ping() is True  # memory answers
    assert state.degraded
    assert await state.remember("while-away", 30)
    await redis_server.start()
    assert await state.ping() is True
    assert not state.degraded
    assert await state.known("while-away") is False  # Redis answers, and never saw it


async def test_no_probe_while_the_interval_runs(
    state: FallbackState,
    redis_server: RedisServer,  # noqa: F811
) -> None:
    state.retry_every = 60.0
    await redis_server.kill()
    await state.remember("a", 30)
    await redis_server.start()
    for _ in range(20):
        await state.remember("b", 30)
        await asyncio.sleep(0.01)
    assert state.degraded  # waits for its probe, not hammering a Redis that was down


async def test_a_lock_taken_in_redis_is_left_to_expire_when_redis_dies(
    state: FallbackState,
    redis_server: RedisServer,  # noqa: F811
) -> None:
    async with state.lock("leader", 5) as held:
        assert held is True
        await redis_server.kill()
    assert state.degraded  # the release failed quietly; the hold expires with its TTL
    async with state.lock("leader", 5) as again:
        assert again is True  # from memory now


async def test_strict_state_lets_errors_through(redis_server: RedisServer) -> None:  # noqa: F811
    strict = make_state(redis_server.url, fallback=False)
    assert isinstance(strict, RedisState)
    try:
        assert await strict.remember("x", 30)
        await redis_server.kill()
        started = time.monotonic()
        with pytest.raises(RedisConnectionError):
            await strict.remember("y", 30)
        assert time.monotonic() - started < 2.0
    finally:
        await strict.close()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: a hung Redis."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


async def test_a_hung_redis_times_out_fast(silent_server: int) -> None:
    state = make_state(f"redis://127.0.0.1:{silent_server}/0")
    assert isinstance(state, FallbackState)
    try:
        started = time.monotonic()
        assert await state.remember("k", 30) is True
        assert time.monotonic() - started < 1.5  # two attempts of 0.5 s, then memory
        assert state.degraded and "Timeout" in state.reason
        started = time.monotonic()
        assert await state.remember("k", 30) is False
        assert time.monotonic() - started < 0.05  # degraded: no more waiting on Redis
    finally:
        await state.close()
