"""Receivers append to partitioned streams; workers share the partitions and hand
each event to the intake once, in order per chat, acknowledging only after."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from adapters.base import Event, EventKind
from bot.scale import (
    EventStreams,
    StreamSink,
    StreamWorker,
    WorkerOptions,
    decode_event,
    encode_event,
)
from tests.e2e.control import eventually

Handle = Callable[[Sequence[Event]], Awaitable[None]]
FAST = WorkerOptions(lease_ttl=1.0, claim_idle=0.3, tick=0.1, batch=16, block_ms=50)


def message(chat: int, n: int) -> Event:
    return Event(
        platform="vk",
        kind=EventKind.MESSAGE,
        chat_id=str(2000000000 + chat),
        user_id=str(100 + n % 7),
        message_id=str(n),
        text=f"m{n} привет <b>",
        payload={"cmd": ["x", 1]},
        raw={"object": {"message": {"id": n}}},
        event_id=f"e{chat}-{n}",
        mentions=("5",),
    )


class Handled:
    """The worker's handler: records what it got, in order per chat."""

    def __init__(self, log: list[tuple[str, str]] | None = None) -> None:
        self.by_chat: dict[str, list[str]] = defaultdict(list)
        self.log = log if log is not None else []
        self.count = 0
        self.fail_first: int = 0

    async def __call__(self, events: Sequence[Event]) -> None:
        for event in events:
            if self.fail_first > 0:
                self.fail_first -= 1
                raise RedisConnectionError("Error 111 connecting: Connection refused.")
            self.by_chat[event.chat_id].append(event.message_id)
            self.log.append((event.chat_id, event.message_id))
            self.count += 1


@contextlib.asynccontextmanager
async def running(
    streams: EventStreams, handle: Handle, name: str = "w"
) -> AsyncIterator[StreamWorker]:
    """One worker consuming with `handle` for the block's length; stopped after it."""
    worker = StreamWorker(streams, name=name, options=FAST)
    task = asyncio.create_task(worker.run(handle))
    try:
        yield worker
    finally:
        await worker.stop()
        await task


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    async def probe() -> bool:
        return predicate()

    await eventually(probe, timeout=timeout, interval=0.02)


def test_codec_round_trip() -> None:
    event = message(3, 42)
    assert decode_event(encode_event(event)) == event
    assert decode_event(encode_event(event)).raw == event.raw


async def test_one_chat_stays_in_one_partition(streams: EventStreams) -> None:
    parts = {streams.partition_of(message(1, n)) for n in range(50)}
    assert len(parts) == 1
    assert len({streams.partition_of(message(c, 0)) for c in range(40)}) == streams.partitions


async def test_two_workers_handle_each_event_once_in_order(streams: EventStreams) -> None:
    sink = StreamSink(streams)
    events = [message(chat, n) for n in range(60) for chat in range(12)]
    log: list[tuple[str, str]] = []  # both workers' handling, in the order it happened
    handled = [Handled(log), Handled(log)]
    workers = [StreamWorker(streams, name=f"w{i}", options=FAST) for i in range(2)]
    tasks = [asyncio.create_task(w.run(h)) for w, h in zip(workers, handled, strict=True)]
    try:
        # Both hold their share (2 of the 4 partitions, which the 12 chats all use)
        # before the events come: else the first to start could handle all of them.
        await until(lambda: all(len(w.owned) == 2 for w in workers))
        for start in range(0, len(events), 50):
            await sink.handle_batch(events[start : start + 50])
        await until(lambda: sum(h.count for h in handled) >= len(events))
    finally:
        for w in workers:
            await w.stop()
        await asyncio.gather(*tasks)
    assert all(h.count for h in handled), "one worker did everything"
    merged: dict[str, list[str]] = defaultdict(list)
    for chat, message_id in log:  # a chat may move to the other worker, never reordered
        merged[chat].append(message_id)
    assert merged == {str(2000000000 + c): [str(n) for n in range(60)] for c in range(12)}
    assert await streams.backlog() == 0, "acknowledged entries are deleted"


async def test_a_dead_workers_events_are_claimed_by_another(
    streams: EventStreams, redis: Redis
) -> None:
    """The first worker reads a batch and dies (no ack, no lease release)."""
    sink = StreamSink(streams)
    await sink.handle_batch([message(0, n) for n in range(10)])
    partition = streams.partition_of(message(0, 0))
    await streams.ensure_group(partition)
    read = await streams.read(partition, "dead", new=True, count=4, block_ms=None)
    assert len(read) == 4  # delivered to "dead", never acknowledged
    await redis.set(f"{streams.prefix}partition:{partition}", "dead:x", px=500)

    handled = Handled()
    async with running(streams, handled, name="alive"):
        await until(lambda: handled.count >= 10)
    assert handled.by_chat[message(0, 0).chat_id] == [str(n) for n in range(10)]
    assert await streams.others_pending(partition, "alive") == 0


async def test_an_event_waits_while_a_service_is_down(streams: EventStreams) -> None:
    """A handler failing with "Redis/PostgreSQL unreachable" is retried, not skipped."""
    await StreamSink(streams).handle_batch([message(1, n) for n in range(3)])
    handled = Handled()
    handled.fail_first = 3
    async with running(streams, handled):
        await until(lambda: handled.count >= 3)
    assert handled.by_chat[message(1, 0).chat_id] == ["0", "1", "2"]


async def test_a_broken_entry_is_logged_and_skipped(
    streams: EventStreams, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    await redis.xadd(streams.name(0), {b"e": b"{not json"})
    await redis.xadd(streams.name(0), encode_event(message(0, 1)))  # type: ignore[arg-type]
    handled = Handled()
    async with running(streams, handled) as worker:
        await until(lambda: handled.count >= 1 and worker.processed >= 2)
    assert "unreadable stream entry" in caplog.text
    assert await streams.backlog() == 0


async def test_a_failing_event_in_a_batch_is_the_only_one_skipped(
    streams: EventStreams, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in one event's handling does not cost the events read with it."""
    await StreamSink(streams).handle_batch([message(3, n) for n in range(6)])
    seen: list[str] = []

    async def handle(events: Sequence[Event]) -> None:
        for event in events:
            if event.message_id in seen:
                continue  # what the intake's dedup does for a batch tried again
            if event.message_id == "2":
                raise RuntimeError("a bug")
            seen.append(event.message_id)

    async with running(streams, handle) as worker:
        await until(lambda: worker.processed >= 6)
    assert seen == ["0", "1", "3", "4", "5"]
    assert "event vk:e3-2" in caplog.text and "failed outside its handlers" in caplog.text
    assert await streams.backlog() == 0


async def test_a_slow_chat_holds_up_only_its_own_partition(streams: EventStreams) -> None:
    """While one chat's event is stuck (a long command), other chats are handled, and
    the stuck chat's next events wait for it, in order."""
    slow, other = 0, next(c for c in range(1, 40) if _apart(streams, 0, c))
    release = asyncio.Event()
    log: list[tuple[int, int]] = []

    async def handle(events: Sequence[Event]) -> None:
        for event in events:
            chat, n = int(event.chat_id) - 2000000000, int(event.message_id)
            if (chat, n) == (slow, 0):
                await release.wait()
            log.append((chat, n))

    sink = StreamSink(streams)
    async with running(streams, handle) as worker:
        await sink.handle_batch([message(slow, 0)])
        await until(lambda: len(worker.owned) == streams.partitions)
        await asyncio.sleep(0.1)  # the slow event is in hand
        try:
            await sink.handle_batch([message(slow, 1), *(message(other, n) for n in range(5))])
            await until(lambda: len(log) == 5)
            assert log == [(other, n) for n in range(5)]
        finally:
            release.set()  # else the worker could not stop
        await until(lambda: len(log) == 7)
    assert [n for c, n in log if c == slow] == [0, 1]
    assert await streams.backlog() == 0


def _apart(streams: EventStreams, a: int, b: int) -> bool:
    return streams.partition_of(message(a, 0)) != streams.partition_of(message(b, 0))
