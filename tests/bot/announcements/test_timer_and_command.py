"""The bot's announcement timer and the `/объявление` syntax, without a platform."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.announcements import ScheduleError, TargetError
from bot.clock import FakeClock
from bot.handlers.announce import parse_command
from bot.services.announcement_specs import RunSummary
from bot.services.announcement_timer import POLL, TIMER, AnnouncementScheduler
from bot.timers import Timers

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeService:
    """Stands in for `AnnouncementService`: records calls, answers `next_wakeup`."""

    def __init__(self) -> None:
        self.next: datetime | None = None
        self.ran: list[datetime] = []
        self.fail = False

    async def on_start(self, now: datetime) -> RunSummary:
        return await self.run_due(now)

    async def run_due(self, now: datetime) -> RunSummary:
        if self.fail:
            raise OSError("database down")
        self.ran.append(now)
        return RunSummary()

    async def next_wakeup(self, now: datetime | None = None) -> datetime | None:
        return self.next


def scheduler() -> tuple[AnnouncementScheduler, FakeService, Timers, FakeClock]:
    clock = FakeClock(START)
    timers = Timers(clock)
    service = FakeService()
    return AnnouncementScheduler(service, timers, clock), service, timers, clock  # type: ignore[arg-type]


async def test_arms_at_the_next_run_or_within_a_minute() -> None:
    sched, service, timers, clock = scheduler()
    await sched.start()
    assert service.ran == [START] and timers.pending() == {TIMER: START + POLL}
    service.next = START + timedelta(seconds=20)
    await sched.changed()  # e.g. after a confirm
    assert timers.pending() == {TIMER: START + timedelta(seconds=20)}
    clock.advance(seconds=20)
    assert await timers.run_due() == 1
    assert service.ran[-1] == START + timedelta(seconds=20)
    service.next = None
    await sched.changed()
    assert timers.pending() == {TIMER: clock.now() + POLL}  # another process may add one


async def test_a_failing_run_still_rearms_and_stop_disarms() -> None:
    sched, service, timers, clock = scheduler()
    await sched.start()
    service.fail = True
    clock.advance(POLL)
    assert await timers.run_due() == 1
    assert timers.pending() == {TIMER: clock.now() + POLL}
    await sched.stop()
    assert timers.pending() == {}


def test_command_syntax_matches_the_cli() -> None:
    targets, schedule, text = parse_command("*-родители, @staff; пн,чт 08:00; Расписание; и всё")
    assert targets == ("*-родители", "@staff") and text == "Расписание; и всё"
    assert schedule.kind == "weekly" and schedule.days == (0, 3)
    _, once, _ = parse_command("5А; 2026-12-01 18:00; Собрание")
    assert once.kind == "once" and once.at == datetime(2026, 12, 1, 18, 0)
    with pytest.raises(ScheduleError):
        parse_command("5А; завтра; Собрание")
    with pytest.raises(TargetError):
        parse_command("@директора; 2026-12-01 18:00; Собрание")
