"""Redis while it answers, process memory while it does not: the single-process mode.

Issue [11/11]: "If Redis goes away, the single-process mode keeps moderating with
in-memory state and says so in its logs and in /healthz". One process is the only
user of its state then, so in-process dedup, counters, buckets and locks are
correct, only not shared; moderation goes on instead of failing every event.

Every operation goes to Redis first. A connection failure switches to memory with
one warning; while degraded nothing waits on Redis, and at most every
`retry_every` seconds a probe in the background pings it and switches back with
one more line. Worker mode must not use this: several processes each falling back
to their own memory would no longer agree, so it takes a strict `RedisState`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from storage.state.memory import MemoryState
from storage.state.redis import RedisState

__all__ = ["UNAVAILABLE", "FallbackState"]

log = logging.getLogger("etiket.state")

T = TypeVar("T")

# What "Redis went away" looks like; any other error is a bug and propagates.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class FallbackState:
    """`EphemeralState` over a `RedisState`, answering from a `MemoryState` while it is down."""

    def __init__(
        self,
        redis: RedisState,
        memory: MemoryState | None = None,
        *,
        retry_every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.memory = memory or MemoryState()
        self.retry_every = retry_every
        self.on_recover: list[Callable[[], Awaitable[None]]] = []
        """Run after Redis is back, e.g. to write there what changed while it was away."""
        self._clock = clock
        self._reason = ""
        self._degraded = False
        self._next_probe = 0.0
        self._probe: asyncio.Task[None] | None = None

    @property
    def degraded(self) -> bool:
        """True while the state lives in this process only (for /healthz)."""
        return self._degraded

    @property
    def reason(self) -> str:
        """Why it is degraded (the last connection error), empty when it is not."""
        return self._reason

    async def run(
        self,
        on_redis: Callable[[RedisState], Awaitable[T]],
        on_memory: Callable[[], Awaitable[T]],
    ) -> T:
        """`on_redis` while Redis answers, else `on_memory`; the switch for every operation.

        Public so that other shared maps (`bot.services.restrictions`) degrade with
        this state rather than on their own.
        """
        if not self._degraded:
            try:
                return await on_redis(self.redis)
            except UNAVAILABLE as exc:
                self.fail(exc)
        self._schedule_probe()
        return await on_memory()

    def fail(self, exc: BaseException) -> None:
        """Switch to memory (once) because of `exc`; the next probe is `retry_every` away."""
        self._reason = f"{type(exc).__name__}: {exc}"
        self._next_probe = self._clock() + self.retry_every
        if not self._degraded:
            self._degraded = True
            log.warning("Redis unavailable, using in-process state: %s", self._reason)

    def _schedule_probe(self) -> None:
        if self._probe is None and self._clock() >= self._next_probe:
            self._probe = asyncio.create_task(self._recover(), name="etiket-redis-probe")

    async def _recover(self) -> None:
        try:
            if not await self.redis.ping():  # swallows connection errors itself
                return
            # Switch first: a moment of reads missing what the hooks restore is better
            # than writes made during the hooks reaching memory only.
            self._degraded, self._reason = False, ""
            log.info("Redis is back; state is shared again")
            for hook in self.on_recover:
                try:
                    await hook()
                except UNAVAILABLE as exc:
                    self.fail(exc)
                    return
                except Exception:
                    log.exception("restoring state in Redis failed")
        finally:
            self._next_probe = self._clock() + self.retry_every
            self._probe = None

    async def remember(self, key: str, ttl: float) -> bool:
        return await self.run(
            lambda r: r.remember(key, ttl), lambda: self.memory.remember(key, ttl)
        )

    async def known(self, key: str) -> bool:
        return await self.run(lambda r: r.known(key), lambda: self.memory.known(key))

    async def known_many(self, keys: Sequence[str]) -> list[bool]:
        return await self.run(lambda r: r.known_many(keys), lambda: self.memory.known_many(keys))

    async def remember_many(self, keys: Sequence[str], ttl: float) -> None:
        await self.run(
            lambda r: r.remember_many(keys, ttl), lambda: self.memory.remember_many(keys, ttl)
        )

    async def forget(self, key: str) -> None:
        await self.run(lambda r: r.forget(key), lambda: self.memory.forget(key))

    async def hit(self, key: str, window: float) -> int:
        return await self.run(lambda r: r.hit(key, window), lambda: self.memory.hit(key, window))

    async def hits(self, counters: Sequence[tuple[str, float]]) -> list[int]:
        return await self.run(lambda r: r.hits(counters), lambda: self.memory.hits(counters))

    async def reserve(self, bucket: str, rate: float, burst: int = 1) -> float:
        return await self.run(
            lambda r: r.reserve(bucket, rate, burst),
            lambda: self.memory.reserve(bucket, rate, burst),
        )

    def lock(self, name: str, ttl: float) -> AbstractAsyncContextManager[bool]:
        return self._hold(name, ttl)

    @asynccontextmanager
    async def _hold(self, name: str, ttl: float) -> AsyncIterator[bool]:
        # A hold is released where it was taken: one taken in Redis before an outage
        # cannot be released then and simply expires with its TTL.
        hold: AbstractAsyncContextManager[bool] | None = None
        if not self._degraded:
            hold = self.redis.lock(name, ttl)
            try:
                acquired = await hold.__aenter__()
            except UNAVAILABLE as exc:
                self.fail(exc)
                hold = None
        if hold is None:
            self._schedule_probe()
            hold = self.memory.lock(name, ttl)
            acquired = await hold.__aenter__()
        try:
            yield acquired
        finally:
            try:
                await hold.__aexit__(None, None, None)
            except UNAVAILABLE as exc:
                self.fail(exc)

    async def ping(self) -> bool:
        """Always True (memory answers), after asking Redis so `degraded` is current.

        /healthz calls this before reading `degraded`: it notices an outage, or a
        recovery, even when no event has come since.
        """
        if not self._degraded:
            try:
                await self.redis.client.ping()
            except UNAVAILABLE as exc:
                self.fail(exc)
            return True
        if self._probe is None:
            self._probe = asyncio.create_task(self._recover(), name="etiket-redis-probe")
        await asyncio.shield(self._probe)
        return True

    async def close(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            await asyncio.gather(self._probe, return_exceptions=True)
        await self.redis.close()
        await self.memory.close()
