"""Fault test (issue [11/11]): for 60 s the emulator answers with errors 6, 10 and
500, timeouts and long-poll failures, while Redis is restarted once and PostgreSQL
is restarted once. The crash test's exactly-once check passes afterwards.

A receiver and two workers run against the test's own Redis and PostgreSQL (so
both can be restarted; `tests/scale/pgserver.py`). The school is the crash test's,
in 50 chats instead of 200 (5,000 events posted over the minute). Only `failed: 2`
is injected among the long-poll failures: 1 and 3 move the cursor to the server's
position and so lose events by the protocol, not by the bot (see
`tests/e2e/test_faults.py`). Duplicate deliveries ride along, for the dedup.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from adapters.emulator.model import BOT
from storage import Database
from storage.models.sanctions import Block
from tests.e2e.control import Emulator, eventually
from tests.e2e.helpers import arm, armed_faults
from tests.scale.cluster import Cluster, RedisServer, emulator
from tests.scale.pgserver import postgres_server
from tests.scale.scenario import (
    BLOCKED_CHATS,
    PER_CHAT,
    STUDENTS,
    WARNING_MARK,
    School,
    Verdict,
    all_done,
    assert_exactly_once,
    post,
)

CHATS = 50
FAULTY = 60.0  # seconds of faults and traffic
REDIS_AT, POSTGRES_AT, DOWN = 20.0, 40.0, 3.0


def _a_check(kind: str, **spec: Any) -> dict[str, Any]:
    return {"kind": kind, "method": "a_check", **spec}


# Rates are per request. Per-method ones stay low enough that six attempts in a row
# (the outbound queue's) rarely all fail; timeouts hold past the client's patience
# (API 20 s, long poll wait + 10 s) and are counted, because each costs that long.
FAULTS: list[dict[str, Any]] = [
    _a_check("longpoll_failed", failed=2, rate=0.05, seed=11),
    _a_check("timeout", count=2, rate=0.05, hold=30, seed=12),
    _a_check("duplicate", rate=0.1, seed=13),
    {"kind": "timeout", "count": 3, "rate": 0.02, "hold": 30, "seed": 14},
    {"kind": "http_500", "rate": 0.04, "seed": 15},
    {"kind": "api_error", "code": 6, "rate": 0.04, "seed": 16},
    {"kind": "api_error", "code": 10, "rate": 0.03, "seed": 17},
]


class SmallSchool(School):
    """The crash test's school in `chats` chats (20 of them with a teacher's block)."""

    @classmethod
    async def open(cls, control: Emulator, chats: int) -> SmallSchool:
        assert chats >= BLOCKED_CHATS
        school = cls()
        for c in range(chats):
            teacher = await control.user(f"Учитель {c}")
            kids = [await control.user(f"Ученик {c}-{k}") for k in range(STUDENTS)]
            chat = await control.chat(f"{c % 11 + 1}А", [teacher, *kids], admins=[teacher])
            school.chats.append(chat)
            school.teachers.append(teacher)
            school.students.append(kids)
        return school

    @property
    def violations(self) -> int:
        return len(self.chats) * (PER_CHAT // 20)


def describe(v: Verdict) -> str:
    """The verdict in one line, for a failing run's output."""
    posted = Counter(v.bot_warnings_by_chat.values())
    twice = sum(n > 1 for n in v.bot_replies.values())
    return (
        f"{len(v.warnings)} warned ({sum(v.warnings.values())} audit rows), warnings per "
        f"chat {dict(posted)}, {twice} posted twice, {v.blocks} blocks, {v.unblocks} "
        f"unblocks, {v.pending_actions} pending {v.pending_sample[:2]}"
    )


def posted_twice(hub: Any, school: School, since: float) -> list[tuple[str, int, list[int]]]:
    """Warnings the bot posted more than once: chat, replied message, seconds posted at."""
    out = []
    for chat_ref in school.chats:
        mine: dict[int, list[int]] = {}
        for m in hub.bot_front.parse_conversation(chat_ref).messages:
            if m.from_id == BOT and m.reply_to is not None and WARNING_MARK in m.text:
                mine.setdefault(m.reply_to, []).append(round(m.date - since))
        out += [(chat_ref, reply, dates) for reply, dates in mine.items() if len(dates) > 1]
    return out


def log_summary(workdir: Path, last: int = 25) -> str:
    """The processes' own log lines (tracebacks left out), the last `last` of each."""
    out = []
    for path in sorted(workdir.glob("*.log")):
        lines = [ln[:240] for ln in path.read_text(errors="replace").splitlines()]
        records = [ln for ln in lines if ln[:2] == "20" and ln[4:5] == "-"]
        out += [f"--- {path.name}: {len(records)} records", *records[-last:]]
    return "\n".join(out)


async def lifted(db: Database) -> int:
    async with db.transaction() as session:
        n = await session.scalar(
            select(func.count()).select_from(Block).where(Block.lifted_at.is_not(None))
        )
    return int(n or 0)


@asynccontextmanager
async def own_redis(workdir: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(workdir)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def restart_redis(server: RedisServer, down: float) -> None:
    """Stop and start on the same port; the append-only file brings the streams back."""
    await server.stop()
    await asyncio.sleep(down)
    await server.start()


@pytest.mark.slow
async def test_a_minute_of_faults_and_restarts_loses_and_repeats_nothing(
    tmp_path: Path,
) -> None:
    begun = time.monotonic()
    async with (
        own_redis(tmp_path / "redis") as redis_server,
        postgres_server() as pg,
        emulator() as (em_url, em_app),
        aiohttp.ClientSession() as http,
    ):
        db_url = await pg.create_database()
        control = Emulator(em_url, http)
        school = await SmallSchool.open(control, CHATS)
        cluster = Cluster(tmp_path, db_url, redis_server.url, em_url, em_app)
        db = Database(db_url)
        redis = Redis.from_url(redis_server.url)
        marks: list[str] = []
        since = time.time()
        outage: asyncio.Task[None] | None = None
        try:
            cluster.start_receiver()
            cluster.start_worker(0)
            cluster.start_worker(1)

            async def receiving() -> bool:
                calls = await control.calls()
                return any("getLongPollServer" in c["method"] for c in calls)

            await eventually(receiving, timeout=30)
            marks.append(f"receiving {time.monotonic() - begun:.1f}s after the start")
            events = school.events()
            chunks = [events[i : i + CHATS] for i in range(0, len(events), CHATS)]
            every = FAULTY / len(chunks)
            await arm(control, FAULTS)
            started, since = time.monotonic(), time.time()

            async def outages() -> None:
                await asyncio.sleep(REDIS_AT)
                marks.append(f"redis down at {time.monotonic() - started:.1f}s")
                await restart_redis(redis_server, DOWN)
                await asyncio.sleep(max(0.0, POSTGRES_AT - (time.monotonic() - started)))
                marks.append(f"postgres down at {time.monotonic() - started:.1f}s")
                await pg.restart("immediate", down=DOWN)
                marks.append(f"postgres back at {time.monotonic() - started:.1f}s")

            outage = asyncio.create_task(outages())
            for n, chunk in enumerate(chunks):
                await asyncio.sleep(max(0.0, started + n * every - time.monotonic()))
                await post(http, em_url, chunk)
            await outage
            await asyncio.sleep(max(0.0, started + FAULTY - time.monotonic()))
            fired = {f["id"]: f for f in await armed_faults(control)}
            await control.clear_faults()
            marks.append(f"faults cleared at {time.monotonic() - started:.1f}s")
            silent = [f for f in fired.values() if f["fired"] == 0]
            assert not silent, f"faults that never fired: {silent}"

            v = await all_done(db, cluster.hub, school, timeout=45)
            marks.append(f"all handled at {time.monotonic() - started:.1f}s: {describe(v)}")
            assert_exactly_once(v, school)

            # The blocks last a day: the scheduler (re-elected after the restarts)
            # lifts them once every process's clock has moved past their end.
            moved = time.monotonic()
            await redis.set("etiket:clock:offset", str(86400 + 60))

            async def all_lifted() -> bool:
                return await lifted(db) >= BLOCKED_CHATS

            await eventually(all_lifted, timeout=30, interval=0.1)
            late = time.monotonic() - moved
            assert late <= 5.0, f"the timed unblocks fired {late:.1f}s late"
            v = await all_done(db, cluster.hub, school, timeout=30)
            marks.append(f"unblocked {late:.1f}s after the clock moved: {describe(v)}")
            assert v.unblocks == BLOCKED_CHATS
            assert_exactly_once(v, school)
        except BaseException:
            print("\n".join(marks))
            print("posted twice (chat, message, at s):", posted_twice(cluster.hub, school, since))
            print(log_summary(tmp_path))
            raise
        finally:
            if outage is not None and not outage.done():
                outage.cancel()
            stopping = time.monotonic()
            await cluster.stop()
            marks.append(f"processes stopped in {time.monotonic() - stopping:.1f}s")
            (tmp_path / "marks.txt").write_text("\n".join(marks))
            await redis.aclose()
            await db.close()
