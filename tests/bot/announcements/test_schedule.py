"""Schedules, quiet hours and runs across a DST-free and a DST zone."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.announcements import (
    Fate,
    Plan,
    QuietHours,
    ScheduleError,
    fate,
    local_to_utc,
    parse_at,
    parse_every,
)

NSK = ZoneInfo("Asia/Novosibirsk")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(moments: list[datetime], zone: ZoneInfo) -> list[str]:
    return [m.astimezone(zone).strftime("%a %Y-%m-%d %H:%M") for m in moments]


def test_weekly_berlin_stays_at_0800_local_across_both_changes() -> None:
    plan = Plan(parse_every("mon 08:00"), BERLIN)
    spring = plan.upcoming(utc(2026, 3, 20), 3)
    assert local(spring, BERLIN) == [
        "Mon 2026-03-23 08:00", "Mon 2026-03-30 08:00", "Mon 2026-04-06 08:00",
    ]  # fmt: skip
    assert [m.hour for m in spring] == [7, 6, 6]  # UTC moves, the wall clock does not
    autumn = plan.upcoming(utc(2026, 10, 15), 2)  # Mon 19th CEST, Mon 26th CET
    assert [m.hour for m in autumn] == [6, 7]


def test_novosibirsk_is_utc_plus_7_all_year() -> None:
    plan = Plan(parse_every("пн,чт 08:00"), NSK)
    runs = plan.upcoming(utc(2026, 3, 20), 4)
    assert local(runs, NSK)[0] == "Mon 2026-03-23 08:00"
    assert {m.hour for m in runs} == {1}


def test_nonexistent_time_runs_after_the_gap_and_ambiguous_once() -> None:
    gap = local_to_utc(datetime(2026, 3, 29, 2, 30), BERLIN)
    assert gap.astimezone(BERLIN).strftime("%H:%M") == "03:30"
    plan = Plan(parse_every("sun 02:30"), BERLIN, QuietHours.parse("off"))
    autumn = plan.upcoming(utc(2026, 10, 24), 1)[0]
    assert autumn == utc(2026, 10, 25, 0, 30)  # the first 02:30 (CEST), not both


def test_quiet_hours_move_a_run_to_their_end_unless_urgent() -> None:
    plan = Plan(parse_at("2026-12-01 22:30"), NSK)
    assert local(plan.upcoming(utc(2026, 11, 1)), NSK) == ["Wed 2026-12-02 08:00"]
    urgent = Plan(parse_at("2026-12-01 22:30"), NSK, urgent=True)
    assert local(urgent.upcoming(utc(2026, 11, 1)), NSK) == ["Tue 2026-12-01 22:30"]
    early = Plan(parse_at("2026-12-01 06:00"), NSK)
    assert local(early.upcoming(utc(2026, 11, 1)), NSK) == ["Tue 2026-12-01 08:00"]
    edge = Plan(parse_at("2026-12-01 21:00"), NSK)
    assert local(edge.upcoming(utc(2026, 11, 1)), NSK) == ["Wed 2026-12-02 08:00"]


def test_two_runs_held_by_quiet_hours_are_one_run() -> None:
    plan = Plan(parse_every("daily 22:00,23:00"), NSK)
    runs = plan.upcoming(utc(2026, 12, 1), 3)
    assert local(runs, NSK) == [
        "Wed 2026-12-02 08:00", "Thu 2026-12-03 08:00", "Fri 2026-12-04 08:00",
    ]  # fmt: skip


def test_count_and_until_bound_the_runs() -> None:
    created = utc(2026, 12, 1)
    plan = Plan(parse_every("mon,thu 09:00", count=3), NSK, created_at=created)
    runs = plan.upcoming(created, 10)
    assert len(runs) == 3
    assert plan.next_run(runs[-1]) is None
    assert plan.next_run(runs[0]) == runs[1]  # count from creation, not from `after`
    until = Plan(parse_every("mon 09:00", until=date(2026, 12, 14)), NSK)
    assert local(until.upcoming(created, 10), NSK) == [
        "Mon 2026-12-07 09:00", "Mon 2026-12-14 09:00",
    ]  # fmt: skip


def test_once_in_the_past_has_no_run() -> None:
    assert Plan(parse_at("2020-01-01 10:00"), NSK).next_run(utc(2026, 1, 1)) is None


@pytest.mark.parametrize("bad", ["mon", "xyz 08:00", "mon 25:00", "mon 8", "mon,thu 08:00 extra"])
def test_bad_recurrences_are_refused(bad: str) -> None:
    with pytest.raises(ScheduleError):
        parse_every(bad)


def test_bad_dates_and_bounds_are_refused() -> None:
    with pytest.raises(ScheduleError):
        parse_at("01.12.2026 18:00")
    with pytest.raises(ScheduleError):
        parse_every("mon 08:00", until=date(2027, 1, 1), count=2)
    with pytest.raises(ScheduleError):
        parse_every("mon 08:00", count=0)


def test_day_ranges() -> None:
    assert parse_every("пн-пт 08:00").days == (0, 1, 2, 3, 4)
    assert parse_every("sat-mon 08:00").days == (0, 5, 6)


def test_grace_boundary() -> None:
    run = utc(2026, 12, 1, 1)
    assert fate(run, run + timedelta(minutes=59)) is Fate.DELIVER
    assert fate(run, run + timedelta(hours=1)) is Fate.DELIVER
    assert fate(run, run + timedelta(hours=1, seconds=1)) is Fate.MISSED


days = st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1)
times = st.lists(st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])), min_size=1)


@settings(max_examples=60, deadline=None)
@given(
    days=days,
    times=times,
    zone=st.sampled_from([NSK, BERLIN]),
    urgent=st.booleans(),
    start=st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
)
def test_runs_strictly_increase_and_avoid_quiet_hours(
    days: list[str], times: list[time], zone: ZoneInfo, urgent: bool, start: datetime
) -> None:
    spec = f"{','.join(sorted(set(days)))} {','.join(sorted({t.strftime('%H:%M') for t in times}))}"
    quiet = QuietHours()
    plan = Plan(parse_every(spec), zone, quiet, urgent=urgent)
    runs = plan.upcoming(start, 12)
    assert runs and runs[0] > start
    assert all(a < b for a, b in itertools.pairwise(runs))
    if not urgent:
        assert not any(quiet.contains(r, zone) for r in runs)
