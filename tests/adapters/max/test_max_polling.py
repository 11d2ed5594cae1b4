"""MaxPolling: the marker is loaded, sent, kept on failure and saved only after handling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from adapters.base import Event, EventSource
from adapters.max_messenger import MaxAdapter, MaxPolling
from tests.adapters.max import samples as s
from tests.adapters.max.conftest import Cursors, Gcra, eventually
from tests.adapters.max.fake_max import FakeMax


def make(adapter: MaxAdapter, cursors: Cursors, **kw: object) -> MaxPolling:
    options: dict[str, object] = {"timeout": 1, "backoff_base": 0.01, "backoff_cap": 0.05}
    return adapter.polling(cursors, **{**options, **kw})


async def run_until(polling: MaxPolling, handle, done: Callable[[], bool]) -> None:  # type: ignore[no-untyped-def]
    task = asyncio.create_task(polling.run(handle))
    await eventually(lambda: done() or task.done())
    await polling.stop()
    await asyncio.wait_for(task, 2)
    assert done()


def polled_markers(fake: FakeMax) -> list[str | None]:
    return [c.query.get("marker") for c in fake.calls("GET /updates")]


async def test_marker_saved_only_after_handle_returns(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.updates = [s.created(mid="mid.a"), s.membership("user_added"), s.created(mid="mid.b")]
    cursors = Cursors(start="1")
    polling = make(adapter, cursors, limit=100)
    assert isinstance(polling, EventSource)
    seen: list[tuple[list[str], list[str]]] = []

    async def handle(batch: Sequence[Event]) -> None:
        await asyncio.sleep(0.02)
        seen.append(([e.event_id for e in batch], list(cursors.saves)))

    await run_until(polling, handle, lambda: cursors.value == "3")
    assert seen[0][1] == []  # nothing saved while the batch was in hand
    assert [len(b) for b, _ in seen] == [2]  # started at the stored marker 1
    assert cursors.saves == ["3"]
    first = fake.calls("GET /updates")[0].query
    assert first["marker"] == "1" and first["timeout"] == "1" and first["limit"] == "100"
    assert first["types"].split(",")[0] == "message_created"


async def test_failed_handle_replays_the_batch(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.updates = [s.created(mid="mid.a")]
    cursors = Cursors()
    attempts: list[str] = []

    async def handle(batch: Sequence[Event]) -> None:
        attempts.append(batch[0].message_id)
        if len(attempts) < 3:
            raise RuntimeError("database is down")

    await run_until(make(adapter, cursors), handle, lambda: cursors.value == "1")
    assert attempts == ["mid.a"] * 3
    assert cursors.saves == ["1"]
    assert polled_markers(fake)[:3] == [None, None, None]  # the position was never moved


async def test_errors_back_off_and_keep_the_marker(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.updates = [s.created(mid="mid.a"), s.created(mid="mid.b")]
    fake.fail("GET /updates", 503, times=2)
    fake.fail("GET /updates", 429, {"code": "too.many.requests", "message": "x"})
    cursors = Cursors(start="1")
    got: list[str] = []

    async def handle(batch: Sequence[Event]) -> None:
        got.extend(e.message_id for e in batch)

    await run_until(make(adapter, cursors), handle, lambda: got == ["mid.b"])
    assert polled_markers(fake)[:4] == ["1", "1", "1", "1"]
    assert cursors.saves == ["2"]


def test_backoff_is_jittered_growing_and_capped(adapter: MaxAdapter) -> None:
    polling = make(adapter, Cursors(), backoff_base=1.0, backoff_cap=60.0)
    for failures, ceiling in [(1, 1.0), (2, 2.0), (4, 8.0), (20, 60.0)]:
        delays = {polling.backoff(failures) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1


async def test_empty_poll_with_null_marker_keeps_ours(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.fail("GET /updates", 200, {"updates": [], "marker": None}, times=2)
    fake.updates = [s.created(), s.created(), s.created(), s.created(), s.created(mid="mid.x")]
    cursors = Cursors(start="4")
    got: list[str] = []

    async def handle(batch: Sequence[Event]) -> None:
        got.extend(e.message_id for e in batch)

    await run_until(make(adapter, cursors), handle, lambda: got == ["mid.x"])
    assert polled_markers(fake)[:3] == ["4", "4", "4"]


async def test_bad_updates_are_skipped_but_committed(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.updates = [
        {"update_type": "message_created", "timestamp": s.TS},  # no message (maxapi #191)
        {"update_type": "dialog_muted", "timestamp": s.TS, "chat_id": 1, "user": s.user(1)},
        s.created(mid="mid.ok"),
    ]
    fake.fail("GET /updates", 200, {"updates": [*fake.updates, 42], "marker": 3})
    cursors = Cursors()
    got: list[str] = []

    async def handle(batch: Sequence[Event]) -> None:
        got.extend(e.message_id for e in batch)

    await run_until(make(adapter, cursors), handle, lambda: cursors.value == "3")
    assert got == ["mid.ok"]


async def test_stop_cuts_a_long_poll(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.poll_wait = 10
    polling = make(adapter, Cursors(), timeout=30)

    async def handle(batch: Sequence[Event]) -> None:
        raise AssertionError("no events expected")

    task = asyncio.create_task(polling.run(handle))
    await eventually(lambda: bool(fake.calls("GET /updates")))
    started = time.monotonic()
    await polling.stop()
    await asyncio.wait_for(task, 1)
    assert time.monotonic() - started < 1 and task.exception() is None


async def test_polls_use_the_token_bucket(
    fake: FakeMax, adapter: MaxAdapter, limiter: Gcra
) -> None:
    cursors = Cursors()

    async def handle(batch: Sequence[Event]) -> None: ...

    await run_until(make(adapter, cursors), handle, lambda: len(fake.calls("GET /updates")) >= 2)
    assert limiter.reserved >= 2
    assert set(limiter.tat) == {adapter.bucket}
