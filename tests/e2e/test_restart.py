"""A bot that dies mid-batch and restarts loses nothing and repeats nothing (issue 2/11).

The first bot process handles about half of a stream and then dies inside a batch:
a handler has run, the cursor (`ts`, the MAX marker) has not been saved. A second
process, with the same database and a new connection to the same ephemeral state,
resumes from the saved cursor, so the server replays the batch.

With the state in Redis (the production setup for anything that must survive a
restart) the replayed events that were already handled are dropped by the dedup:
every message is handled exactly once, in order per chat, except the one whose
handler was running when the process died, which is handled again. With the in-process
`MemoryState` a restart forgets the dedup, so exactly the handled part of the
interrupted batch is handled again: delivery is at least once, never lossy.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from storage.db import Database
from storage.migrate import upgrade
from storage.repos import DatabaseCursors
from storage.state import EphemeralState, MemoryState, RedisState
from tests.e2e.conftest import EmulatorServer
from tests.e2e.helpers import (
    PROFILES,
    REDIS_URL,
    Crash,
    Recorder,
    Stream,
    arm,
    assemble,
    assert_exactly_once_in_order,
    until_caught_up,
    until_listening,
)

CHATS = 20
PER_CHAT = 100  # 2,000 messages


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own in Redis; its keys are deleted afterwards."""
    prefix = f"etiket-test:{uuid.uuid4().hex}:"
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc!r})", pytrace=False)
    try:
        yield prefix
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def _run_until_crash(
    platform: str,
    emulator: EmulatorServer,
    state: EphemeralState,
    db: Database,
    recorder: Recorder,
    stream: Stream,
) -> None:
    """Process one: starts fresh, takes the stream, dies mid-batch after half of it.

    The source runs bare, as the runner would run it, so that `Crash` ends it the
    way a dying process ends: nothing after the failing handler runs.
    """
    bot = assemble(platform, emulator, state, DatabaseCursors(db), recorder)
    source = asyncio.create_task(bot.source.run(bot.intake.handle_batch))
    posting: asyncio.Task[None] | None = None
    try:
        await until_listening(stream, recorder)
        recorder.crash_after = CHATS * PER_CHAT // 2
        posting = asyncio.create_task(stream.post(0, PER_CHAT))
        with pytest.raises(Crash):
            await asyncio.wait_for(source, 30)
    finally:
        await bot.source.stop()
        await bot.close()
        if posting is not None:
            await posting  # the world goes on while the bot is down


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["redis", "memory"])
async def test_restart_mid_batch(
    emulator: EmulatorServer,
    platform: str,
    tmp_path: Path,
    redis_prefix: str,
    kind: str,
) -> None:
    control = emulator.control
    stream = await Stream.open(control, CHATS)
    # Every fault but duplicate delivery: each duplicate the restarted bot sees is the replay.
    await arm(control, [f for f in PROFILES[platform].stream_faults if f["kind"] != "duplicate"])
    db_url = f"sqlite:///{tmp_path / 'etiket.sqlite3'}"
    await upgrade(db_url)
    db = Database(db_url)

    def new_state() -> EphemeralState:
        if kind == "redis":
            return RedisState.from_url(REDIS_URL, prefix=redis_prefix)
        return MemoryState()

    recorder = Recorder()
    first = new_state()
    try:
        await _run_until_crash(platform, emulator, first, db, recorder, stream)
    except BaseException:
        await db.close()
        raise
    finally:
        await first.close()
    handled_before = len(recorder.seen)
    crashed_on = recorder.seen[-1]  # its handler was running when the process died

    second = new_state()  # a new process: a new connection, or a fresh memory
    bot = assemble(platform, emulator, second, DatabaseCursors(db), recorder)
    task = asyncio.create_task(bot.runner.run(handle_signals=False))
    try:
        await until_caught_up(recorder, stream, PER_CHAT)
        await stream.post(PER_CHAT, PER_CHAT + 1)  # a redelivery would come before these
        await until_caught_up(recorder, stream, PER_CHAT + 1)
    finally:
        bot.runner.stop()
        await asyncio.wait_for(task, 30)
        await bot.close()
        await second.close()
        await db.close()

    assert handled_before < CHATS * PER_CHAT, "the crash came after the whole stream"
    if kind == "redis":
        # An event is marked handled only once its handler returned: the one the
        # process died in comes again (its decisions' keys make that harmless), and
        # every event handled before it is dropped as a duplicate.
        assert _repeats(recorder) == [crashed_on]
        recorder.seen.remove(crashed_on)
        assert_exactly_once_in_order(recorder, stream, PER_CHAT + 1)
        assert bot.intake.duplicates > 0, (
            "the restart replayed nothing: the crash was not mid-batch"
        )
        return
    # MemoryState: the handled part of the interrupted batch comes again, in order.
    assert bot.intake.duplicates == 0
    replayed = _repeats(recorder)
    assert replayed, "a restart without shared state repeated nothing"
    for item in replayed:
        recorder.seen.remove(item)  # the first copy goes; the order of the rest is checked
    assert_exactly_once_in_order(recorder, stream, PER_CHAT + 1)


def _repeats(recorder: Recorder) -> list[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    repeats = []
    for item in recorder.seen:
        if item in seen:
            repeats.append(item)
        seen.add(item)
    return repeats
