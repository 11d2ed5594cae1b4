"""One-shot timers: block ends now, consent-window deadlines and announcements later.

The database is the source of truth and this is only the clock (DESIGN.md, data
flow): every timer is re-armed from stored rows at start, and a timer whose moment
passed while the bot was down runs at once. In production APScheduler 3's
`AsyncIOScheduler` fires each timer with a date trigger; with a `FakeClock` there is
no scheduler and a test calls `run_due()` after advancing the clock, so no test ever
sleeps through a block.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock

__all__ = ["TimerAction", "Timers"]

log = logging.getLogger("etiket.timers")

TimerAction = Callable[[], Awaitable[None]]


class Timers:
    """Named timers (`block:12`, later `window:3`); arming a name again replaces it."""

    def __init__(self, clock: Clock, *, scheduler: AsyncIOScheduler | None = None) -> None:
        self.clock = clock
        self.scheduler = scheduler
        self._armed: dict[str, tuple[datetime, TimerAction]] = {}
        self.fired = 0
        self.active = True
        """Whether this process fires its timers. In worker mode only the scheduler
        leader's do (`bot.scale.leader`); the others keep theirs armed, unfired."""

    @classmethod
    def with_scheduler(cls, clock: Clock) -> Timers:
        return cls(clock, scheduler=AsyncIOScheduler(timezone=UTC))

    def arm(self, name: str, at: datetime, action: TimerAction) -> None:
        current = self._armed.get(name)
        if current is not None and current[0] == at and self._scheduled(name):
            self._armed[name] = (at, action)
            return  # re-armed from the database unchanged: keep the scheduler's job
        self._armed[name] = (at, action)
        if self.scheduler is not None:
            # No misfire limit: a timer late because the loop was busy still runs.
            self.scheduler.add_job(
                self._fire,
                DateTrigger(run_date=at),
                args=[name],
                id=name,
                replace_existing=True,
                misfire_grace_time=None,
            )

    def _scheduled(self, name: str) -> bool:
        return self.scheduler is None or self.scheduler.get_job(name) is not None

    def cancel(self, name: str) -> None:
        if self._armed.pop(name, None) is not None and self.scheduler is not None:
            job = self.scheduler.get_job(name)
            if job is not None:
                job.remove()

    def pending(self) -> dict[str, datetime]:
        """What is armed and when: for `/metrics` and tests."""
        return {name: at for name, (at, _) in self._armed.items()}

    async def run_due(self) -> int:
        """Fire every timer whose moment has come by the clock; returns how many ran."""
        now = self.clock.now()
        due = sorted((at, name) for name, (at, _) in self._armed.items() if at <= now)
        for _, name in due:
            await self._fire(name)
        return len(due)

    async def _fire(self, name: str) -> None:
        if not self.active:
            return  # not the scheduler leader: the leader fires it (and re-arms from rows)
        armed = self._armed.pop(name, None)
        if armed is None:
            return
        try:
            await armed[1]()
            self.fired += 1
        except asyncio.CancelledError:
            raise
        except Exception:  # the database still holds the job; the next start re-arms it
            log.exception("timer %s failed", name)

    def start(self) -> None:
        if self.scheduler is not None and not self.scheduler.running:
            self.scheduler.start()

    async def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self._armed.clear()
