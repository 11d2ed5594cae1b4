"""In-process ephemeral state for the single-process embedded setup (and for tests).

Every entry carries a deadline on a monotonic clock; a heap of deadlines lets each
call drop what has expired, so memory stays bounded by the traffic of the last TTL
without a background task.
"""

from __future__ import annotations

import heapq
import secrets
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Generic, TypeVar

__all__ = ["MemoryState"]

Clock = Callable[[], float]
V = TypeVar("V")


class _Expiring(Generic[V]):
    """A dict whose entries vanish at their deadline, swept lazily from a heap."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._items: dict[str, tuple[float, V]] = {}
        self._heap: list[tuple[float, str]] = []

    def sweep(self) -> None:
        now = self._clock()
        while self._heap and self._heap[0][0] <= now:
            deadline, key = heapq.heappop(self._heap)
            item = self._items.get(key)
            if item is not None and item[0] == deadline:  # not renewed since
                del self._items[key]

    def get(self, key: str) -> V | None:
        self.sweep()
        item = self._items.get(key)
        return item[1] if item is not None else None

    def set(self, key: str, value: V, deadline: float) -> None:
        self._items[key] = (deadline, value)
        heapq.heappush(self._heap, (deadline, key))

    def pop(self, key: str) -> V | None:
        item = self._items.pop(key, None)
        return item[1] if item is not None else None

    def __len__(self) -> int:
        self.sweep()
        return len(self._items)


class MemoryState:
    """`EphemeralState` in one process: dedup, sliding windows, GCRA and try-locks."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._seen: _Expiring[bool] = _Expiring(clock)
        self._hits: _Expiring[deque[float]] = _Expiring(clock)
        self._tats: _Expiring[float] = _Expiring(clock)
        self._locks: _Expiring[str] = _Expiring(clock)

    def __len__(self) -> int:
        """Live entries of every kind (for checking that memory stays bounded)."""
        return len(self._seen) + len(self._hits) + len(self._tats) + len(self._locks)

    async def remember(self, key: str, ttl: float) -> bool:
        if self._seen.get(key) is not None:
            return False
        self._seen.set(key, True, self._clock() + ttl)
        return True

    async def known(self, key: str) -> bool:
        return self._seen.get(key) is not None

    async def known_many(self, keys: Sequence[str]) -> list[bool]:
        return [self._seen.get(key) is not None for key in keys]

    async def remember_many(self, keys: Sequence[str], ttl: float) -> None:
        for key in keys:
            await self.remember(key, ttl)

    async def forget(self, key: str) -> None:
        self._seen.pop(key)

    async def hit(self, key: str, window: float) -> int:
        now = self._clock()
        hits = self._hits.get(key) or deque()
        while hits and hits[0] <= now - window:
            hits.popleft()
        hits.append(now)
        self._hits.set(key, hits, now + window)
        return len(hits)

    async def hits(self, counters: Sequence[tuple[str, float]]) -> list[int]:
        return [await self.hit(key, window) for key, window in counters]

    async def reserve(self, bucket: str, rate: float, burst: int = 1) -> float:
        # GCRA: the theoretical arrival time (TAT) advances one interval per slot; a
        # slot may start `burst` intervals before it, and no earlier than now.
        interval = 1.0 / rate
        now = self._clock()
        tat = max(self._tats.get(bucket) or now, now) + interval
        self._tats.set(bucket, tat, tat)
        return max(0.0, tat - burst * interval - now)

    def lock(self, name: str, ttl: float) -> AbstractAsyncContextManager[bool]:
        return self._hold(name, ttl)

    @asynccontextmanager
    async def _hold(self, name: str, ttl: float) -> AsyncIterator[bool]:
        token = secrets.token_hex(8)
        acquired = self._locks.get(name) is None
        if acquired:
            self._locks.set(name, token, self._clock() + ttl)
        try:
            yield acquired
        finally:
            # Release only our own hold: after expiry someone else may own the name.
            if acquired and self._locks.get(name) == token:
                self._locks.pop(name)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._seen = _Expiring(self._clock)
        self._hits = _Expiring(self._clock)
        self._tats = _Expiring(self._clock)
        self._locks = _Expiring(self._clock)
