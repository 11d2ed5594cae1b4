"""Fixtures for the MAX adapter tests: the API double, a limiter and a cursor store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp.test_utils import TestServer

from adapters.max_messenger import MaxAdapter
from adapters.outbound import RetryPolicy
from tests.adapters.max.fake_max import TOKEN, FakeMax


async def eventually(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Wait until `condition()` holds; the code under test has no event to wait on."""
    deadline = time.monotonic() + within
    while not condition() and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    assert condition(), "condition not reached in time"


class Gcra:
    """A tiny in-process GCRA limiter (the `RateLimiter` protocol)."""

    def __init__(self) -> None:
        self.tat: dict[str, float] = {}
        self.reserved = 0

    async def reserve(self, bucket: str, rate: float, burst: int = 1) -> float:
        self.reserved += 1
        now = time.monotonic()
        tat = max(self.tat.get(bucket, now), now)
        self.tat[bucket] = tat + 1 / rate
        return max(0.0, tat - now - (burst - 1) / rate)


class Cursors:
    """An in-memory `CursorStore` that records every save."""

    def __init__(self, start: str | None = None) -> None:
        self.value = start
        self.saves: list[str] = []

    async def load_cursor(self, key: str) -> str | None:
        return self.value

    async def save_cursor(self, key: str, value: str) -> None:
        self.value = value
        self.saves.append(value)


@pytest.fixture
def fake() -> FakeMax:
    return FakeMax()


@pytest.fixture
async def server(fake: FakeMax, aiohttp_server) -> TestServer:  # type: ignore[no-untyped-def]
    return await aiohttp_server(fake.app())


@pytest.fixture
def limiter() -> Gcra:
    return Gcra()


@pytest.fixture
async def adapter(server: TestServer, limiter: Gcra) -> AsyncIterator[MaxAdapter]:
    fast = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.02, rate_limited_delay=0.01)
    bot = MaxAdapter(
        TOKEN, limiter=limiter, api_url=str(server.make_url("")), rate=1000, retry=fast
    )
    yield bot
    await bot.close()
