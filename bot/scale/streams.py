"""The events' way from a receiver to the workers: N Redis Streams, one consumer group.

A chat always maps to the same partition (CRC-32 of platform and chat id), so one
chat's events stay in the order the receiver appended them, and a partition is
consumed by one worker at a time (`bot.scale.worker`). Entries are deleted once
acknowledged, so a stream holds only what is not yet handled; Redis should persist
them (appendonly, see the README's operations section).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from adapters.base import Event
from bot.scale.codec import encode_event
from bot.unavailable import patiently

__all__ = ["GROUP", "EventStreams", "StreamSink"]

GROUP = "workers"
Entry = tuple[bytes, dict[bytes, bytes]]


class EventStreams:
    """The partitioned streams of one deployment (`prefix` separates deployments)."""

    def __init__(self, client: Redis, *, prefix: str, partitions: int) -> None:
        if partitions < 1:
            raise ValueError("at least one partition is needed")
        self.client = client
        self.prefix = prefix
        self.partitions = partitions

    def name(self, partition: int) -> str:
        return f"{self.prefix}events:{partition}"

    def partition_of(self, event: Event) -> int:
        return zlib.crc32(f"{event.platform}:{event.chat_id}".encode()) % self.partitions

    async def append(self, events: Sequence[Event]) -> None:
        """Append a batch in one round trip; raises if Redis did not take all of it."""
        if not events:
            return
        async with self.client.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.xadd(self.name(self.partition_of(event)), encode_event(event))  # type: ignore[arg-type]
            await pipe.execute()

    async def ensure_group(self, partition: int) -> None:
        try:
            await self.client.xgroup_create(self.name(partition), GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def read(
        self, partition: int, consumer: str, *, new: bool, count: int, block_ms: int | None
    ) -> list[Entry]:
        """This consumer's own unacknowledged entries (`new=False`) or new ones."""
        answer: Any = await self.client.xreadgroup(
            GROUP,
            consumer,
            {self.name(partition): ">" if new else "0"},
            count=count,
            block=block_ms if new else None,
        )
        if not answer:
            return []
        return list(answer[0][1])

    async def others_pending(self, partition: int, consumer: str) -> int:
        """Entries delivered to other consumers and not acknowledged (a dead owner's)."""
        summary: Any = await self.client.xpending(self.name(partition), GROUP)
        return sum(
            int(c["pending"])
            for c in summary.get("consumers") or ()
            if _text(c["name"]) != consumer
        )

    async def claim(
        self, partition: int, consumer: str, *, min_idle_ms: int, start: bytes, count: int
    ) -> tuple[bytes, list[Entry]]:
        """XAUTOCLAIM: take over entries idle at least `min_idle_ms`; returns the next start."""
        answer: Any = await self.client.xautoclaim(
            self.name(partition), GROUP, consumer, min_idle_ms, start_id=start, count=count
        )
        nxt = answer[0] if isinstance(answer[0], bytes) else str(answer[0]).encode()
        return nxt, [e for e in answer[1] if e and e[1] is not None]

    async def ack(self, partition: int, *entry_ids: bytes) -> None:
        """Acknowledge and delete entries, all in one transaction."""
        if not entry_ids:
            return
        stream = self.name(partition)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xack(stream, GROUP, *entry_ids)
            pipe.xdel(stream, *entry_ids)
            await pipe.execute()

    async def backlog(self) -> int:
        """Entries not yet acknowledged across all partitions (for `/metrics` and tests)."""
        async with self.client.pipeline(transaction=False) as pipe:
            for i in range(self.partitions):
                pipe.xlen(self.name(i))
            lengths = await pipe.execute()
        return sum(int(n) for n in lengths)


class StreamSink:
    """The receiver's intake: events go to the streams instead of the dispatcher.

    The event source saves its cursor only after `handle_batch` returns, so while
    Redis is away nothing is acknowledged to the platform and nothing is lost. The
    sink holds the batch and tries again until Redis is back (intake pauses), rather
    than failing the source, which would restart the long poll every second of the
    outage. A batch half appended before Redis went away is appended again whole;
    the workers' dedup drops the repeats.
    """

    def __init__(self, streams: EventStreams) -> None:
        self.streams = streams
        self.received = 0
        self.duplicates = 0

    async def handle_batch(self, events: Sequence[Event]) -> None:
        await patiently(lambda: self.streams.append(events), "appending to the event streams")
        self.received += len(events)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
