"""A clock several processes move together, for end-to-end tests across processes.

In one process a test moves a `FakeClock`. When the bot runs as several processes
(the crash and fault tests of issue [11/11]) the test stores an offset in seconds in
Redis and every process's clock runs that far ahead of the system clock, so a
month-long block can end in a test that lasts a minute. Enabled only by
`scale.shared_clock`; a production deployment never sets it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

__all__ = ["SharedClock"]

log = logging.getLogger("etiket.clock")


class SharedClock:
    """System time plus the offset last read from Redis (refreshed every `every` s)."""

    def __init__(self, client: Redis, key: str, *, every: float = 0.1) -> None:
        self.client = client
        self.key = key
        self.every = every
        self.offset = timedelta()
        self._task: asyncio.Task[None] | None = None

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    async def refresh(self) -> None:
        raw = await self.client.get(self.key)
        self.offset = timedelta(seconds=float(raw)) if raw else timedelta()

    async def start(self) -> None:
        with contextlib.suppress(Exception):
            await self.refresh()
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="etiket:shared-clock")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.refresh()
            except Exception as exc:  # keep the last offset while Redis is away
                log.debug("cannot read the shared clock: %s", exc)
            await asyncio.sleep(self.every)
