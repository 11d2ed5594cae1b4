"""The clock every moderation decision reads `now` from.

Strike expiry, block ends and timers are all about time, so the time is injected:
production reads the system clock, tests a `FakeClock` they advance by hand. A test
"waits" a month by advancing the clock, never by sleeping (issue [4/11]: a restart
in the middle of a block that ends on time).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "FakeClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Timezone-aware UTC `now`; the domain refuses naive datetimes."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        moment = start or datetime.now(UTC)
        if moment.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = moment

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move forward by `delta` or by `days=`, `hours=`, ...; returns the new now."""
        self._now += delta if delta is not None else timedelta(**parts)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment
