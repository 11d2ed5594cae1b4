"""Leases: a Redis key held by one process at a time, renewed while it lives.

The scheduler's leadership and each stream partition's ownership are leases. The
holder renews well within the time to live; a process that dies (or is cut off
from Redis) stops renewing, the key expires, and another process takes it over.
Renewal and release check the holder's token, so a process that lost a lease
(paused past its expiry) can never extend or drop the new holder's.
"""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

__all__ = ["Lease"]

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    """One named lease; `holder` is written into the key for operators to read."""

    def __init__(self, client: Redis, key: str, *, ttl: float, holder: str) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = max(1, round(ttl * 1000))
        self.token = f"{holder}:{secrets.token_hex(8)}"
        self.held = False
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    async def acquire(self) -> bool:
        """Take the lease if nobody holds it; True if this process holds it now."""
        if self.held:
            return await self.renew()
        self.held = bool(await self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))
        return self.held

    async def renew(self) -> bool:
        """Extend the lease; False (and no longer held) if it expired or was taken."""
        self.held = bool(await self._renew(keys=[self.key], args=[self.token, self.ttl_ms]))
        return self.held

    async def release(self) -> None:
        if self.held:
            self.held = False
            await self._release(keys=[self.key], args=[self.token])
