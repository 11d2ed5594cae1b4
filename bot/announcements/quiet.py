"""Quiet hours: nobody's phone buzzes with school news at night.

Policy default 21:00 to 08:00 school-local time. A run that falls inside is moved
to the end of the quiet hours (the next 08:00), unless the announcement is urgent.
The window is half-open, [start, end): a run at 21:00 is held, one at 08:00 is not.
`start == end` means no quiet hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.announcements.schedule import local_to_utc

__all__ = ["QuietHours"]


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily local window; wraps past midnight when `start > end`."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """`21:00-08:00`; `off` for none."""
        if text.strip().casefold() in ("off", "none", "нет"):
            return cls(time(0), time(0))
        first, _, last = text.partition("-")
        try:
            return cls(time.fromisoformat(first.strip()), time.fromisoformat(last.strip()))
        except ValueError:
            raise ValueError(f"bad quiet hours {text!r}, expected HH:MM-HH:MM or off") from None

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        """Whether the instant falls inside the quiet hours on the school's clocks."""
        if self.start == self.end:
            return False
        now = moment.astimezone(zone).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def release(self, moment: datetime, zone: ZoneInfo, *, urgent: bool = False) -> datetime:
        """When a run planned for `moment` may be delivered: itself, or the quiet end."""
        if urgent or not self.contains(moment, zone):
            return moment
        local = moment.astimezone(zone)
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.end:  # evening part: end is tomorrow
            day += timedelta(days=1)
        return local_to_utc(datetime.combine(day, self.end), zone)
