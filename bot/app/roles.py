"""The processes of a scaled-out deployment (issue [11/11]).

`etiket run` alone is one process with everything in it. With Redis and PostgreSQL,
`--role receiver` runs only the platform's intake and appends each event to the
partitioned streams, and `--role worker` consumes them: several workers share the
partitions, the outbox, the rate limits (in Redis) and, through a lease, one
scheduler. Workers need PostgreSQL (several writers) and a Redis they can rely on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff

from adapters.base import CursorStore
from adapters.registry import build_platform
from bot.config import Settings
from bot.runner import Runner
from bot.scale import EventStreams, Leadership, Lease, StreamSink, StreamWorker, WorkerOptions
from bot.scale.clock import SharedClock
from bot.scale.worker import consumer_name
from bot.unavailable import patiently
from storage import Database
from storage.migrate import upgrade
from storage.repos import DatabaseCursors
from storage.state import DEFAULT_PREFIX, make_state

__all__ = [
    "PatientCursors",
    "Receiver",
    "Role",
    "build_receiver",
    "check_role",
    "stream_client",
    "worker_parts",
]

log = logging.getLogger("etiket.app")

Role = Literal["single", "receiver", "worker"]
BLOCK_MS = 500


def check_role(settings: Settings, role: Role) -> None:
    """Refuse a scaled-out role without the services it depends on (one line, exit 2)."""
    if role == "single":
        return
    if not settings.redis_url:
        raise ValueError(f"--role {role} needs Redis: set ETIKET_REDIS_URL or redis_url")
    if role == "worker" and not settings.database_url.startswith("postgresql"):
        raise ValueError(
            "--role worker needs PostgreSQL (several processes write at once): "
            "set ETIKET_DATABASE_URL=postgresql://..."
        )


def stream_client(settings: Settings) -> Redis:
    """A Redis client for streams and leases; its timeout outlasts a blocking read."""
    assert settings.redis_url is not None
    # Two quick retries on a fresh connection: after a Redis restart each pooled
    # connection is dead, and without them every one fails a command (a partition's
    # consumer, a lease renewal) once before it is replaced.
    retry = Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), 2)
    return Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=1.0,
        socket_timeout=BLOCK_MS / 1000 + 2.0,
        retry=retry,
    )


def streams_for(settings: Settings, client: Redis) -> EventStreams:
    return EventStreams(client, prefix=DEFAULT_PREFIX, partitions=settings.scale.partitions)


@dataclass
class WorkerParts:
    """What worker mode adds to an app: the stream consumer, leadership and the clock."""

    client: Redis
    streams: EventStreams
    worker: StreamWorker
    clock: SharedClock | None

    def leadership(self, settings: Settings, **steps: object) -> Leadership:
        lease = Lease(
            self.client,
            f"{DEFAULT_PREFIX}scheduler",
            ttl=settings.scale.leader_ttl,
            holder=self.worker.name,
        )
        return Leadership(lease, tick=settings.scale.tick, **steps)  # type: ignore[arg-type]


def worker_parts(settings: Settings) -> WorkerParts:
    client = stream_client(settings)
    streams = streams_for(settings, client)
    s = settings.scale
    options = WorkerOptions(
        lease_ttl=s.lease_ttl, claim_idle=s.claim_idle, tick=s.tick, block_ms=BLOCK_MS
    )
    worker = StreamWorker(streams, name=consumer_name(), options=options)
    clock = SharedClock(client, f"{DEFAULT_PREFIX}clock:offset") if s.shared_clock else None
    return WorkerParts(client, streams, worker, clock)


class PatientCursors:
    """The receiver's long-poll cursor store: coalesces saves, waits out PostgreSQL.

    A save is written by a background task, at most once per `every` seconds and
    always the latest value, so a busy long poll costs a few writes a second rather
    than one transaction per answer. The events a cursor follows are already in the
    streams when it is saved, so a crash before the write only makes the next poll
    read a few answers again, and the workers' dedup drops them. While PostgreSQL is
    away the writer waits and intake goes on; `close` writes what is pending.
    """

    def __init__(self, inner: CursorStore, *, every: float = 0.5) -> None:
        self.inner = inner
        self.every = every
        self._pending: dict[str, str] = {}
        self._writer: asyncio.Task[None] | None = None

    async def load_cursor(self, key: str) -> str | None:
        if key in self._pending:
            return self._pending[key]
        return await patiently(lambda: self.inner.load_cursor(key), "loading the poll cursor")

    async def save_cursor(self, key: str, value: str) -> None:
        self._pending[key] = value
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="etiket:cursor")

    async def _write(self) -> None:
        while self._pending:
            await self._save(*next(iter(self._pending.items())))
            await asyncio.sleep(self.every)

    async def _save(self, key: str, value: str) -> None:
        await patiently(lambda: self.inner.save_cursor(key, value), "saving the poll cursor")
        if self._pending.get(key) == value:
            del self._pending[key]

    async def close(self, *, within: float = 10.0) -> None:
        """Write the pending cursors; after `within` s they are left (read again next time)."""
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        try:
            async with asyncio.timeout(within):
                for key, value in list(self._pending.items()):
                    await self._save(key, value)
        except TimeoutError:
            log.warning(
                "the poll cursor was not saved (%s); the next start reads those events again",
                ", ".join(self._pending),
            )


@dataclass
class Receiver:
    """`etiket run --role receiver`: the platform's intake into the streams, nothing else."""

    settings: Settings
    db: Database
    client: Redis
    sink: StreamSink
    runner: Runner
    cursors: PatientCursors

    async def close(self) -> None:
        await self.cursors.close()
        await self.client.aclose()
        await self.db.close()


async def build_receiver(settings: Settings) -> Receiver:
    check_role(settings, "receiver")
    if settings.auto_migrate:
        await upgrade(settings.database_url)
    db = Database(settings.database_url)  # the long-poll cursor lives there
    client = stream_client(settings)
    section = settings.vk if settings.platform == "vk" else settings.max
    token = settings.secret(section.token)
    if not token:
        await client.aclose()
        await db.close()
        raise ValueError(
            f"no {settings.platform} token: set ETIKET_{settings.platform.upper()}__TOKEN"
        )
    limiter = make_state(settings.redis_url, fallback=False)
    cursors = PatientCursors(DatabaseCursors(db))
    platform = build_platform(
        settings.platform,
        token=token,
        api_url=section.api_url,
        rate=section.rate,
        limiter=limiter,
        cursors=cursors,
        options=section.model_dump(exclude={"token", "api_url", "rate"}),
    )
    sink = StreamSink(streams_for(settings, client))
    runner = Runner(sink, [platform.source])
    receiver = Receiver(settings, db, client, sink, runner, cursors)

    async def close() -> None:
        await platform.adapter.close()
        await limiter.close()
        await receiver.close()

    runner.on_shutdown.append(close)
    return receiver
