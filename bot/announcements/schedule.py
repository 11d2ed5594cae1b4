"""When an announcement runs: once at a local date and time, or on days of the week.

Schedules are written in the school's wall-clock time, because "Monday 08:00" means
08:00 on the school's clocks in summer and in winter alike. The conversion to UTC
happens only for one concrete date (`local_to_utc`), never by adding a fixed offset
to a previous run, so a weekly 08:00 Europe/Berlin announcement stays at 08:00 local
across the DST change.

DST edge cases, decided once here:
- a local time that does not exist (skipped by the spring change, e.g. 02:30 in
  Berlin on the last Sunday of March) runs at the same distance after the gap,
  03:30 local: the instant zoneinfo gives with `fold=0`;
- a local time that occurs twice (the autumn change) runs at its first
  occurrence, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "Schedule",
    "ScheduleError",
    "local_to_utc",
    "nominal_runs",
    "parse_at",
    "parse_every",
    "parse_zone",
]

WEEKDAYS = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "пн": 0, "вт": 1, "ср": 2, "чт": 3, "пт": 4, "сб": 5, "вс": 6,
}  # fmt: skip
EVERY_DAY = ("daily", "ежедневно", "каждый")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleError(ValueError):
    """A schedule the administrator wrote cannot be understood; the message says why."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """`once` at `at` (naive local), or `weekly` on `days` (0 = Monday) at `times`."""

    kind: str
    at: datetime | None = None
    days: tuple[int, ...] = ()
    times: tuple[time, ...] = ()
    until: date | None = None
    count: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "at": self.at.isoformat(timespec="minutes") if self.at else None,
            "days": list(self.days),
            "times": [t.strftime("%H:%M") for t in self.times],
            "until": self.until.isoformat() if self.until else None,
            "count": self.count,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Schedule:
        return cls(
            kind=str(raw["kind"]),
            at=datetime.fromisoformat(raw["at"]) if raw.get("at") else None,
            days=tuple(int(d) for d in raw.get("days", ())),
            times=tuple(time.fromisoformat(t) for t in raw.get("times", ())),
            until=date.fromisoformat(raw["until"]) if raw.get("until") else None,
            count=raw.get("count"),
        )


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown time zone {name!r}, e.g. Asia/Novosibirsk") from None


def _time(text: str) -> time:
    match = _TIME.match(text.strip())
    if match is None:
        raise ScheduleError(f"bad time {text!r}, expected HH:MM")
    return time(int(match[1]), int(match[2]))


def parse_at(text: str) -> Schedule:
    """`YYYY-MM-DD HH:MM`, local to the school."""
    try:
        at = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ScheduleError(f"bad date and time {text!r}, expected YYYY-MM-DD HH:MM") from None
    return Schedule("once", at=at)


def _days(text: str) -> tuple[int, ...]:
    if text.casefold() in EVERY_DAY:
        return tuple(range(7))
    days: set[int] = set()
    for part in text.casefold().split(","):
        first, dash, last = part.strip().partition("-")
        if first not in WEEKDAYS or (dash and last not in WEEKDAYS):
            raise ScheduleError(f"bad day {part.strip()!r}, expected mon..sun or пн..вс")
        a, b = WEEKDAYS[first], WEEKDAYS[last] if dash else WEEKDAYS[first]
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
    return tuple(sorted(days))


def parse_every(text: str, *, until: date | None = None, count: int | None = None) -> Schedule:
    """`mon,thu 08:00`, `пн-пт 08:00,13:30` or `daily 18:00`."""
    parts = text.split()
    if len(parts) != 2:
        raise ScheduleError(f"bad recurrence {text!r}, expected e.g. 'mon,thu 08:00'")
    if until is not None and count is not None:
        raise ScheduleError("give an end date or a count, not both")
    if count is not None and count < 1:
        raise ScheduleError("the count must be at least 1")
    times = tuple(sorted({_time(t) for t in parts[1].split(",")}))
    return Schedule("weekly", days=_days(parts[0]), times=times, until=until, count=count)


def local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive school-local time (DST rules in the module docstring)."""
    first = local.replace(tzinfo=zone, fold=0)
    return first.astimezone(UTC)


def nominal_runs(schedule: Schedule, zone: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Scheduled instants (UTC) strictly after `after`, in order, before quiet hours.

    `until` is a local date, inclusive; `count` is applied by the caller, which knows
    how many runs came before.
    """
    if schedule.kind == "once":
        assert schedule.at is not None
        moment = local_to_utc(schedule.at, zone)
        if moment > after:
            yield moment
        return
    day = after.astimezone(zone).date() - timedelta(days=1)  # a gap may pull back a run
    while schedule.until is None or day <= schedule.until:
        if day.weekday() in schedule.days:
            for at in schedule.times:
                moment = local_to_utc(datetime.combine(day, at), zone)
                if moment > after:
                    yield moment
        day += timedelta(days=1)
