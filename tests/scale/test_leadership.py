"""One scheduler among many: the lease holder leads; when it stops renewing
another process takes over within the lease's time to live."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis

from bot.scale import Leadership, Lease
from tests.scale.test_streams import until


class Campaign:
    def __init__(self, redis: Redis, key: str, name: str) -> None:
        self.events: list[str] = []
        self.ticks = 0

        async def gain() -> None:
            self.events.append("gain")

        async def lose() -> None:
            self.events.append("lose")

        async def tick() -> None:
            self.ticks += 1

        self.leadership = Leadership(
            Lease(redis, key, ttl=0.6, holder=name), on_gain=gain, on_lose=lose, on_tick=tick,
            tick=0.1,
        )  # fmt: skip


async def test_a_lease_is_held_by_one_holder_at_a_time(redis: Redis, prefix: str) -> None:
    a = Lease(redis, f"{prefix}l", ttl=5, holder="a")
    b = Lease(redis, f"{prefix}l", ttl=5, holder="b")
    assert await a.acquire()
    assert not await b.acquire()
    assert await a.renew()
    await b.release()  # not b's to release
    assert await redis.get(f"{prefix}l") == a.token.encode()
    await a.release()
    assert await b.acquire()
    assert not await a.renew(), "a lease lost to another holder cannot be extended"


async def test_only_one_leads_and_another_takes_over(redis: Redis, prefix: str) -> None:
    key = f"{prefix}scheduler"
    first, second = Campaign(redis, key, "one"), Campaign(redis, key, "two")
    first.leadership.start()
    await until(lambda: first.leadership.is_leader)
    second.leadership.start()
    await asyncio.sleep(0.5)
    assert not second.leadership.is_leader
    assert first.ticks > 0 and second.ticks == 0

    # The leader's process freezes (no renewal, no release): the lease runs out.
    assert first.leadership._task is not None
    first.leadership._task.cancel()
    frozen_at = time.monotonic()
    await until(lambda: second.leadership.is_leader)
    took = time.monotonic() - frozen_at
    assert took < 0.6 + 0.3, f"failover took {took:.2f}s"
    assert second.events == ["gain"]

    # The old leader wakes up: its renewal fails and it steps down.
    first.leadership._task = None
    first.leadership.start()
    await until(lambda: not first.leadership.is_leader)
    assert first.events == ["gain", "lose"]
    await first.leadership.stop()
    await second.leadership.stop()
    assert second.events == ["gain", "lose"]
