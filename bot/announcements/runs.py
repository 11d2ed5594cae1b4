"""The runs of an announcement: scheduled times after quiet hours, numbered and bounded.

A run is identified by the instant it is delivered (UTC), so a delivery's key
(announcement, run, chat) is the same however often it is computed. Two scheduled
times that quiet hours move to the same morning are one run, not two messages at
08:00; a run never repeats or goes back in time, so runs are strictly increasing.
`count` counts these runs from the announcement's creation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from bot.announcements.quiet import QuietHours
from bot.announcements.schedule import Schedule, nominal_runs

__all__ = ["Plan"]


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything that decides when an announcement is delivered."""

    schedule: Schedule
    zone: ZoneInfo
    quiet: QuietHours = field(default_factory=QuietHours)
    urgent: bool = False
    created_at: datetime | None = None
    """Where `count` starts; runs at or before it are never delivered."""

    def runs(self, after: datetime) -> Iterator[datetime]:
        """Delivery instants strictly after `after`, honouring `count` and `until`."""
        origin = self.created_at or after
        start = origin if self.schedule.count is not None else max(origin, after)
        emitted = 0
        last: datetime | None = None
        for nominal in nominal_runs(self.schedule, self.zone, start):
            moment = self.quiet.release(nominal, self.zone, urgent=self.urgent)
            if last is not None and moment <= last:
                continue  # merged with the previous run (quiet hours, DST gap)
            last = moment
            emitted += 1
            if moment > after:
                yield moment
            if self.schedule.count is not None and emitted >= self.schedule.count:
                return

    def next_run(self, after: datetime) -> datetime | None:
        """The first run strictly after `after`, or None when the schedule is over."""
        return next(self.runs(after), None)

    def upcoming(self, after: datetime, n: int = 5) -> list[datetime]:
        return list(islice(self.runs(after), n))
