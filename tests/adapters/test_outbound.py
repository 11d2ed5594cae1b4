"""The outbound queue: pacing, retries by error type, batching, shutdown."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import pytest

from adapters.errors import FloodControl, MessengerError, NotAdmin, RateLimited, TransientError
from adapters.outbound import ApiCall, OutboundQueue, RetryPolicy
from storage.state import MemoryState

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.02, rate_limited_delay=0.01)


def queue(send: Any, **kw: Any) -> OutboundQueue:
    kw.setdefault("rate", 1000.0)
    return OutboundQueue(bucket="test", send=send, limiter=MemoryState(), retry=FAST, **kw)


async def test_calls_are_paced_to_the_rate() -> None:
    stamps: list[float] = []

    async def send(call: ApiCall) -> int:
        stamps.append(time.monotonic())
        return len(stamps)

    q = queue(send, rate=50.0)
    started = time.monotonic()
    results = await asyncio.gather(*(q.call("m", {"i": i}) for i in range(20)))
    elapsed = time.monotonic() - started
    await q.close()
    assert sorted(results) == list(range(1, 21))
    assert elapsed >= 19 / 50 * 0.95  # 20 calls at 50/s need 19 gaps of 20 ms
    assert elapsed < 1.5


async def test_transient_errors_are_retried_until_success() -> None:
    failures = {"left": 2}

    async def send(call: ApiCall) -> str:
        if failures["left"]:
            failures["left"] -= 1
            raise RateLimited("too many", code=6) if failures["left"] else TransientError("500")
        return "ok"

    q = queue(send)
    assert await q.call("messages.send", {}) == "ok"
    assert q.sent_requests == 3
    await q.close()


@pytest.mark.parametrize("error", [FloodControl("flood", code=9), NotAdmin("not admin", code=917)])
async def test_permanent_errors_are_not_retried(error: MessengerError) -> None:
    attempts = []

    async def send(call: ApiCall) -> None:
        attempts.append(call.method)
        raise error

    q = queue(send)
    with pytest.raises(type(error)):
        await q.call("messages.send", {})
    assert attempts == ["messages.send"]
    await q.close()


async def test_retries_give_up_after_max_attempts() -> None:
    async def send(call: ApiCall) -> None:
        raise TransientError("still down")

    q = queue(send)
    with pytest.raises(TransientError, match="still down"):
        await q.call("m", {})
    assert q.sent_requests == FAST.max_attempts
    await q.close()


async def test_waiting_calls_are_batched_and_item_errors_go_to_their_caller() -> None:
    batches: list[int] = []

    async def send(call: ApiCall) -> Any:
        return ("single", call.params["i"])

    async def send_batch(calls: Sequence[ApiCall]) -> list[Any]:
        batches.append(len(calls))
        return [
            NotAdmin("no", code=917) if c.params["i"] == 7 else ("batched", c.params["i"])
            for c in calls
        ]

    q = queue(send, send_batch=send_batch, batch_size=25, workers=1, rate=20.0)
    results = await asyncio.gather(
        *(q.call("m", {"i": i}) for i in range(60)), return_exceptions=True
    )
    await q.close()
    assert isinstance(results[7], NotAdmin)
    ok = [r for i, r in enumerate(results) if i != 7]
    assert all(isinstance(r, tuple) and r[1] == i for i, r in enumerate(results) if i != 7)
    assert len(ok) == 59
    assert sum(batches) + (q.sent_requests - len(batches)) >= 60
    assert q.sent_requests <= 5  # 60 calls went out in a handful of requests, not 60


async def test_close_fails_waiting_calls_clearly() -> None:
    gate = asyncio.Event()

    async def send(call: ApiCall) -> None:
        await gate.wait()

    q = queue(send, workers=1)
    first = asyncio.create_task(q.call("m", {}))
    second = asyncio.create_task(q.call("m", {}))
    await asyncio.sleep(0.01)
    await q.close()
    for task in (first, second):
        with pytest.raises(RuntimeError, match="closed"):
            await task
    with pytest.raises(RuntimeError, match="closed"):
        await q.call("m", {})


async def test_calls_that_arrive_before_the_slot_ride_in_its_batch() -> None:
    batches: list[list[int]] = []

    async def send(call: ApiCall) -> int:
        batches.append([call.params["i"]])
        return 0

    async def send_batch(calls: Sequence[ApiCall]) -> list[int]:
        batches.append([c.params["i"] for c in calls])
        return [0] * len(calls)

    q = queue(send, send_batch=send_batch, batch_size=25, rate=10.0, headroom=0.0)
    first = asyncio.create_task(q.call("m", {"i": 0}))  # slot 0: goes at once, alone
    await asyncio.sleep(0.01)
    second = asyncio.create_task(q.call("m", {"i": 1}))  # waits for slot 1 at 0.1 s
    await asyncio.sleep(0.04)
    later = [asyncio.create_task(q.call("m", {"i": i})) for i in (2, 3)]  # before slot 1
    await asyncio.gather(first, second, *later)
    await q.close()
    assert batches == [[0], [1, 2, 3]]


async def test_a_late_wake_up_slips_the_schedule_instead_of_catching_up() -> None:
    stamps: list[float] = []

    async def send(call: ApiCall) -> None:
        stamps.append(time.monotonic())
        if call.params["i"] == 0:
            time.sleep(0.08)  # noqa: ASYNC251 (the event loop is busy past slot 1 at 0.05 s)

    q = queue(send, rate=20.0, headroom=0.0)
    await asyncio.gather(*(q.call("m", {"i": i}, batchable=False) for i in range(3)))
    await q.close()
    assert stamps[1] - stamps[0] >= 0.08  # late...
    assert stamps[2] - stamps[1] >= 0.05 * 0.95  # ...and the next keeps its distance
