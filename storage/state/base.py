"""Ephemeral state: what may be lost without harm, shared between workers when in Redis.

Event-id dedup, flood counters, rate-limit reservations and locks. The database holds
everything that must survive; this holds only what speeds things up or keeps
workers in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol, runtime_checkable

__all__ = ["EphemeralState"]


@runtime_checkable
class EphemeralState(Protocol):
    """One small interface with an in-memory and a Redis implementation."""

    async def remember(self, key: str, ttl: float) -> bool:
        """Record `key` for `ttl` seconds; True if it was new, False if already known."""
        ...

    async def known(self, key: str) -> bool:
        """Whether `key` is remembered now, without recording it.

        Intake checks this before handling an event and remembers the event only
        after it was handled, so a crash in between never drops it (it comes again).
        """
        ...

    async def known_many(self, keys: Sequence[str]) -> list[bool]:
        """`known` for each of `keys`, in one round trip where the backend has them."""
        ...

    async def remember_many(self, keys: Sequence[str], ttl: float) -> None:
        """`remember` each of `keys`, in one round trip where the backend has them."""
        ...

    async def forget(self, key: str) -> None:
        """Drop `key` (used when processing of a remembered event failed)."""
        ...

    async def hit(self, key: str, window: float) -> int:
        """Count one hit on `key`; return the hits within the last `window` seconds."""
        ...

    async def hits(self, counters: Sequence[tuple[str, float]]) -> list[int]:
        """`hit` on each `(key, window)`, in one round trip where the backend has them."""
        ...

    async def reserve(self, bucket: str, rate: float, burst: int = 1) -> float:
        """Reserve one slot of a `rate`-per-second bucket; return how long to wait first.

        A GCRA reservation: callers sleep the returned delay and then act, so no call
        is ever retried against the limiter, and N processes sharing the bucket never
        exceed `rate` together.
        """
        ...

    def lock(self, name: str, ttl: float) -> AbstractAsyncContextManager[bool]:
        """Try to hold `name` for up to `ttl` seconds; yields whether it was acquired."""
        ...

    async def ping(self) -> bool:
        """Whether the backend answers."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
