"""Timers: driven by a fake clock in tests, by APScheduler in production."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import FakeClock, SystemClock
from bot.timers import Timers


async def test_run_due_fires_only_what_the_clock_has_reached() -> None:
    clock = FakeClock()
    timers = Timers(clock)
    fired: list[str] = []

    def action(name: str):  # type: ignore[no-untyped-def]
        async def run() -> None:
            fired.append(name)

        return run

    timers.arm("block:1", clock.now() + timedelta(days=1), action("a"))
    timers.arm("block:2", clock.now() + timedelta(days=2), action("b"))
    timers.arm("block:2", clock.now() + timedelta(days=3), action("c"))  # re-armed
    assert await timers.run_due() == 0
    clock.advance(days=2)
    assert await timers.run_due() == 1 and fired == ["a"]
    timers.cancel("block:2")
    clock.advance(days=5)
    assert await timers.run_due() == 0 and timers.pending() == {}


async def test_apscheduler_fires_a_date_timer() -> None:
    clock = SystemClock()
    timers = Timers.with_scheduler(clock)
    done = asyncio.Event()

    async def ring() -> None:
        done.set()

    timers.start()
    try:
        timers.arm("block:9", clock.now() + timedelta(milliseconds=50), ring)
        await asyncio.wait_for(done.wait(), 5)
        assert timers.pending() == {} and timers.fired == 1
    finally:
        await timers.stop()
