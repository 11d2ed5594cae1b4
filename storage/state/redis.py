"""Ephemeral state in Redis, shared by every worker of a scaled-out deployment.

Each operation is one atomic command or Lua script. Time-based scripts read Redis
`TIME` rather than the caller's clock, so workers on different hosts agree on one
timeline and a shared GCRA bucket is exact however many processes draw from it.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

__all__ = ["DEFAULT_PREFIX", "RedisState"]

DEFAULT_PREFIX = "etiket:"

# Sliding window: one sorted-set member per hit, scored by its time in microseconds.
_HIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local counts = {}
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 * i - 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  redis.call('ZADD', key, now, ARGV[2 * i])
  redis.call('PEXPIRE', key, math.ceil(window / 1000) + 1)
  counts[i] = redis.call('ZCARD', key)
end
return counts
"""

# GCRA reservation: advance the theoretical arrival time by one interval and return
# how long (microseconds) the caller must wait before its slot; never refuses.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
local delay = tat - burst * interval - now
if delay < 0 then delay = 0 end
return math.floor(delay)
"""

# Release a lock only if it still holds our token (it may have expired and been taken).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisState:
    """`EphemeralState` over `redis.asyncio`; every key starts with `prefix`."""

    def __init__(self, client: Redis, *, prefix: str = DEFAULT_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self._hit = client.register_script(_HIT)
        self._reserve = client.register_script(_RESERVE)
        self._release = client.register_script(_RELEASE)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = DEFAULT_PREFIX, **kwargs: Any) -> RedisState:
        """Connect lazily to `url` (`redis://host:port/db`)."""
        return cls(Redis.from_url(url, **kwargs), prefix=prefix)

    def _key(self, kind: str, name: str) -> str:
        return f"{self.prefix}{kind}:{name}"

    async def remember(self, key: str, ttl: float) -> bool:
        created = await self.client.set(self._key("seen", key), b"1", nx=True, px=_ms(ttl))
        return bool(created)

    async def known(self, key: str) -> bool:
        return bool(await self.client.exists(self._key("seen", key)))

    async def known_many(self, keys: Sequence[str]) -> list[bool]:
        if not keys:
            return []
        values = await self.client.mget([self._key("seen", key) for key in keys])
        return [value is not None for value in values]

    async def remember_many(self, keys: Sequence[str], ttl: float) -> None:
        if not keys:
            return
        async with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(self._key("seen", key), b"1", nx=True, px=_ms(ttl))
            await pipe.execute()

    async def forget(self, key: str) -> None:
        await self.client.delete(self._key("seen", key))

    async def hit(self, key: str, window: float) -> int:
        [count] = await self.hits([(key, window)])
        return count

    async def hits(self, counters: Sequence[tuple[str, float]]) -> list[int]:
        if not counters:
            return []
        args: list[int | str] = []
        for _, window in counters:  # a unique member even for two hits in one microsecond
            args += [round(window * 1_000_000), secrets.token_hex(8)]
        counts = await self._hit(keys=[self._key("hits", key) for key, _ in counters], args=args)
        return [int(n) for n in counts]

    async def reserve(self, bucket: str, rate: float, burst: int = 1) -> float:
        delay_us = await self._reserve(
            keys=[self._key("gcra", bucket)], args=[1_000_000 / rate, burst]
        )
        return int(delay_us) / 1_000_000

    def lock(self, name: str, ttl: float) -> AbstractAsyncContextManager[bool]:
        return self._hold(name, ttl)

    @asynccontextmanager
    async def _hold(self, name: str, ttl: float) -> AsyncIterator[bool]:
        key = self._key("lock", name)
        token = secrets.token_hex(16)
        acquired = bool(await self.client.set(key, token, nx=True, px=_ms(ttl)))
        try:
            yield acquired
        finally:
            if acquired:
                await self._release(keys=[key], args=[token])

    async def ping(self) -> bool:
        try:
            return bool(await self.client.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self.client.aclose()
