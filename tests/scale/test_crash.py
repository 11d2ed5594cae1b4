"""Crash test (issue [11/11]): 20,000 events across 200 chats, 5% violations, while
a worker process is killed with SIGKILL at random points ten times.

Afterwards every violation was warned exactly once (audit log) and the warning
posted exactly once (the emulator's record), every block was made once, and the
timed unblocks fired within 5 s of their time once the shared clock reached it.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from storage import Database
from storage.models.sanctions import Block
from tests.e2e.control import Emulator, eventually
from tests.scale.cluster import Cluster, RedisServer, emulator, fresh_database
from tests.scale.scenario import (
    BLOCKED_CHATS,
    School,
    all_done,
    assert_exactly_once,
    post,
)

KILLS = 10
CHUNK = 400


async def lifted(db: Database) -> int:
    async with db.transaction() as session:
        n = await session.scalar(
            select(func.count()).select_from(Block).where(Block.lifted_at.is_not(None))
        )
    return int(n or 0)


@pytest.mark.slow
async def test_sigkill_ten_times_loses_and_repeats_nothing(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    redis_server = RedisServer(tmp_path / "redis")
    await redis_server.start()
    async with (
        fresh_database() as db_url,
        emulator() as (em_url, em_app),
        aiohttp.ClientSession() as http,
    ):
        control = Emulator(em_url, http)
        t0 = time.monotonic()
        school = await School.create(control)
        print(f"school created in {time.monotonic() - t0:.1f}s")
        cluster = Cluster(tmp_path, db_url, redis_server.url, em_url, em_app)
        db = Database(db_url)
        redis = Redis.from_url(redis_server.url)
        try:
            cluster.start_receiver()
            cluster.start_worker(0)
            cluster.start_worker(1)

            async def receiving() -> bool:
                calls = await control.calls()
                return any("getLongPollServer" in c["method"] for c in calls)

            await eventually(receiving, timeout=30)
            events = school.events()
            started = time.monotonic()
            chunks = [events[i : i + CHUNK] for i in range(0, len(events), CHUNK)]
            kill_at = sorted(rng.sample(range(2, len(chunks) - 1), KILLS))
            for n, chunk in enumerate(chunks):
                await post(http, em_url, chunk)
                await asyncio.sleep(0.15)
                if n in kill_at:  # mid-stream, with work in flight
                    victim = rng.choice(sorted(cluster.workers))
                    await asyncio.sleep(rng.uniform(0, 0.3))
                    cluster.kill_worker(victim)
                    cluster.start_worker(victim)
            assert cluster.kills == KILLS

            posted = time.monotonic()
            print(f"posted in {posted - started:.1f}s")
            v = await all_done(db, cluster.hub, school, timeout=120)
            print(f"all handled {time.monotonic() - posted:.1f}s after the last post")
            assert_exactly_once(v, school)

            # The blocks last a day: move every process's clock past their end.
            moved = time.monotonic()
            await redis.set("etiket:clock:offset", str(86400 + 60))

            async def all_lifted() -> bool:
                return await lifted(db) >= BLOCKED_CHATS

            await eventually(all_lifted, timeout=30, interval=0.1)
            late = time.monotonic() - moved
            assert await lifted(db) == BLOCKED_CHATS
            assert late <= 5.0, f"the timed unblocks fired {late:.1f}s late"
            v = await all_done(db, cluster.hub, school, timeout=30)
            assert v.unblocks == BLOCKED_CHATS
            assert_exactly_once(v, school)
            # Two workers share one token's rate through Redis. Pacing is decided when a
            # request is reserved, and a loaded machine can delay one process's send
            # past the next one's: a rare error 6 (retried, as the counts above show)
            # is tolerated, a systematic excess is not.
            calls = await control.calls()
            too_many = [c for c in calls if (c.get("error") or {}).get("error_code") == 6]
            print(f"VK error 6: {len(too_many)} of {len(calls)} calls")
            assert len(too_many) <= len(calls) // 500, f"{len(too_many)} of {len(calls)} drew 6"
        finally:
            await cluster.stop()
            await redis.aclose()
            await db.close()
            await redis_server.stop()
