"""A worker: owns some stream partitions, handles their events, acknowledges after.

Each partition is a lease (`bot.scale.leases`). Workers announce themselves in a
heartbeat set and each takes about `partitions / live workers` of them, so adding
a worker spreads the load and a dead worker's share is taken over when its leases
expire. On taking a partition, a worker first claims with XAUTOCLAIM what the
previous owner read and never acknowledged (idle at least `claim_idle`), then reads
new entries. An entry is acknowledged only after the intake returned: if
PostgreSQL or Redis is down the worker waits and tries the same entry again, and
if the process dies the entry stays pending for the next owner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import random
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from adapters.base import Event
from bot.scale.codec import BadEntry, decode_event
from bot.scale.leases import Lease
from bot.scale.streams import Entry, EventStreams
from bot.unavailable import is_unavailable

__all__ = ["StreamWorker", "WorkerOptions", "consumer_name"]

log = logging.getLogger("etiket.worker")

Handle = Callable[[Sequence[Event]], Awaitable[None]]


def consumer_name() -> str:
    """Unique per process start: a restarted worker never inherits a dead one's entries."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    lease_ttl: float = 5.0
    """How long a partition stays owned by a worker that stopped renewing."""
    claim_idle: float = 5.0
    """XAUTOCLAIM's min-idle time: how long an unacknowledged entry waits for its reader."""
    tick: float = 1.0
    """How often leases are renewed and the share of partitions rebalanced."""
    batch: int = 64
    block_ms: int = 500
    retry_max: float = 10.0


class _Partition:
    """One owned partition: its lease and the task consuming it."""

    def __init__(self, index: int, lease: Lease) -> None:
        self.index = index
        self.lease = lease
        self.task: asyncio.Task[None] | None = None
        self.leaving = False


class StreamWorker:
    """An `EventSource` for worker mode: `run(handle)` consumes until `stop()`."""

    def __init__(
        self, streams: EventStreams, *, name: str | None = None, options: WorkerOptions
    ) -> None:
        self.streams = streams
        self.client = streams.client
        self.name = name or consumer_name()
        self.options = options
        self.owned: dict[int, _Partition] = {}
        self.processed = 0
        self.paused = False
        self._stopping = asyncio.Event()
        self._members = f"{streams.prefix}workers"

    def __repr__(self) -> str:
        return f"StreamWorker({self.name})"

    async def stop(self) -> None:
        self._stopping.set()

    async def run(self, handle: Handle) -> None:
        self._stopping.clear()
        try:
            while not self._stopping.is_set():
                try:
                    await self._tick(handle)
                    if self.paused:
                        log.warning("Redis is back: worker %s resumes", self.name)
                        self.paused = False
                except Exception as exc:
                    if not is_unavailable(exc):
                        raise
                    if not self.paused:
                        log.warning(
                            "Redis unavailable, worker %s pauses intake: %s", self.name, exc
                        )
                        self.paused = True
                    await self._drop_all()  # the leases will expire; take them again later
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.options.tick)
        finally:
            await self._leave()

    async def _tick(self, handle: Handle) -> None:
        now_ms = int(time.time() * 1000)
        window = int(self.options.lease_ttl * 1000)
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.zadd(self._members, {self.name: now_ms})
            pipe.zremrangebyscore(self._members, 0, now_ms - window)
            pipe.zcard(self._members)
            _, _, alive = await pipe.execute()
        share = math.ceil(self.streams.partitions / max(1, int(alive)))
        for part in list(self.owned.values()):
            if part.task is not None and part.task.done():
                await self._forget(part)
            elif not await part.lease.renew():
                log.warning("lost partition %d; another worker has it", part.index)
                await self._forget(part, cancel=True)
        keep = sorted(p for p, part in self.owned.items() if not part.leaving)
        for index in keep[share:]:
            self.owned[index].leaving = True  # finishes its entry, then lets go
        if len(keep) < share:
            await self._take(share - len(keep), handle)

    async def _take(self, wanted: int, handle: Handle) -> None:
        order = list(range(self.streams.partitions))
        random.shuffle(order)
        for index in order:
            if wanted <= 0:
                return
            if index in self.owned:
                continue
            lease = Lease(
                self.client,
                f"{self.streams.prefix}partition:{index}",
                ttl=self.options.lease_ttl,
                holder=self.name,
            )
            if not await lease.acquire():
                continue
            part = _Partition(index, lease)
            part.task = asyncio.create_task(self._consume(part, handle), name=f"partition:{index}")
            self.owned[index] = part
            wanted -= 1
            log.info("worker %s took partition %d", self.name, index)

    async def _consume(self, part: _Partition, handle: Handle) -> None:
        streams, o = self.streams, self.options
        await streams.ensure_group(part.index)
        await self._take_over(part, handle)
        new = False  # first what this consumer read before and did not acknowledge
        while not part.leaving and part.lease.held and not self._stopping.is_set():
            entries = await streams.read(
                part.index, self.name, new=new, count=o.batch, block_ms=o.block_ms if new else None
            )
            if not new and not entries:
                new = True  # from here on every batch read is acknowledged before the next
                continue
            # A leaving worker finishes what it read: no hand-off wait.
            if not await self._handle(part, entries, handle):
                return  # unacknowledged: claimed by whoever owns the partition next

    async def _take_over(self, part: _Partition, handle: Handle) -> None:
        """Claim what the partition's previous owner read but never acknowledged."""
        o = self.options
        idle_ms = int(o.claim_idle * 1000)
        while part.lease.held and not self._stopping.is_set():
            if await self.streams.others_pending(part.index, self.name) == 0:
                return
            start, claimed = b"0-0", 0
            while True:
                start, entries = await self.streams.claim(
                    part.index,
                    self.name,
                    min_idle_ms=idle_ms,
                    start=start,
                    count=self.options.batch,
                )
                if not await self._handle(part, entries, handle):
                    return
                claimed += len(entries)
                if start in (b"0-0", b"0"):
                    break
            if claimed:
                log.info("partition %d: took over %d unacknowledged event(s)", part.index, claimed)
            else:
                await asyncio.sleep(min(0.25, self.options.claim_idle))

    async def _handle(self, part: _Partition, entries: list[Entry], handle: Handle) -> bool:
        """Handle a batch read from the partition, then acknowledge it in one go.

        Returns False, with nothing acknowledged, when the worker lost the partition or
        is stopping while a service was down: the next owner handles the batch again,
        and the intake's dedup skips what was done.
        """
        if not entries:
            return True
        if not part.lease.held or self._stopping.is_set():
            return False
        events: list[Event] = []
        for entry_id, fields in entries:
            try:
                events.append(decode_event(fields))
            except BadEntry as exc:
                log.error("partition %d entry %r skipped: %s", part.index, entry_id, exc)
        if not await self._attempt(part, events, handle):
            return False
        await self.streams.ack(part.index, *(entry_id for entry_id, _ in entries))
        self.processed += len(entries)
        return True

    async def _attempt(self, part: _Partition, events: list[Event], handle: Handle) -> bool:
        """Run `handle` until it succeeds, waiting out outages; False if it must stop."""
        delay = 0.2
        while events:
            try:
                await handle(events)
                return True
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not is_unavailable(exc):
                    if len(events) > 1:  # find the one that fails; the rest are handled
                        for event in events:
                            if not await self._attempt(part, [event], handle):
                                return False
                        return True
                    log.exception("event %s failed outside its handlers; skipped", events[0].key)
                    return True
                log.warning(
                    "cannot handle %d event(s) from %s now (%s); trying again in %.1fs",
                    len(events),
                    events[0].key,
                    exc,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.options.retry_max)
                if not part.lease.held or self._stopping.is_set():
                    return False
        return True

    async def _forget(self, part: _Partition, *, cancel: bool = False) -> None:
        self.owned.pop(part.index, None)
        if part.task is not None:
            if cancel:
                part.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await part.task
            failure = (
                part.task.exception() if part.task.done() and not part.task.cancelled() else None
            )
            if failure is not None:  # an outage is expected and waited out; anything else is not
                level = logging.WARNING if is_unavailable(failure) else logging.ERROR
                log.log(level, "partition %d consumer failed: %r", part.index, failure)
        with contextlib.suppress(Exception):
            await part.lease.release()

    async def _drop_all(self) -> None:
        for part in list(self.owned.values()):
            part.lease.held = False
            await self._forget(part, cancel=True)

    async def _leave(self) -> None:
        for part in list(self.owned.values()):
            part.leaving = True
        for part in list(self.owned.values()):
            await self._forget(part)
        with contextlib.suppress(Exception):
            await self.client.zrem(self._members, self.name)
