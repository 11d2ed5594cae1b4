"""The running bot's clock for announcements: one timer, `announce:next`.

The service decides and the database remembers (`bot.services.announcements`); this
only keeps one `Timers` entry armed at the service's `next_wakeup`, fires `run_due`
then, and arms again. It also looks at least every `POLL`, so an announcement
written by another process (`etiket announce add`, the dashboard) is picked up
within a minute. A create, confirm or cancel in this process calls `changed()`,
which does the same at once. With a `FakeClock` nothing fires by itself: a test
advances the clock and calls `timers.run_due()`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.clock import Clock
from bot.services.announcements import AnnouncementService
from bot.timers import Timers

__all__ = ["POLL", "TIMER", "AnnouncementScheduler"]

log = logging.getLogger("etiket.announcements")

TIMER = "announce:next"
POLL = timedelta(seconds=60)
"""The longest the bot goes without asking the database what is planned."""


class AnnouncementScheduler:
    """Arms `announce:next`; `start()` at start-up, `changed()` after a change, `stop()`."""

    def __init__(
        self,
        service: AnnouncementService,
        timers: Timers,
        clock: Clock,
        *,
        poll: timedelta = POLL,
    ) -> None:
        self.service = service
        self.timers = timers
        self.clock = clock
        self.poll = poll
        self._lock = asyncio.Lock()
        self._stopped = False

    async def start(self) -> None:
        """Catch up on runs missed while the bot was down (grace rule), then arm."""
        self._stopped = False
        async with self._lock:
            try:
                summary = await self.service.on_start(self.clock.now())
                if summary.fanned_out or summary.missed:
                    log.info("announcements at start: %s", summary)
            except Exception:
                log.exception("catching up on announcements failed; will look again")
            await self._arm()

    async def changed(self) -> None:
        """Something was created, confirmed or cancelled: run what is due, re-arm."""
        await self._fire()

    async def stop(self) -> None:
        self._stopped = True
        self.timers.cancel(TIMER)

    async def _fire(self) -> None:
        async with self._lock:
            try:
                await self.service.run_due(self.clock.now())
            except Exception:  # the runs stay due in the database: the next wake-up retries
                log.exception("running due announcements failed")
            await self._arm()

    async def _arm(self) -> None:
        if self._stopped:
            return
        now = self.clock.now()
        wake = now + self.poll
        try:
            at = await self.service.next_wakeup(now)
        except Exception:
            log.exception("cannot read the next announcement; looking again in %s", self.poll)
            at = None
        if at is not None:
            wake = min(wake, max(at, now))
        self.timers.arm(TIMER, wake, self._fire)
