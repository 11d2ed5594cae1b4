from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.moderation import count_in_term, term_of


@pytest.mark.parametrize(
    ("moment", "name", "school_year"),
    [
        (datetime(2026, 9, 1, tzinfo=UTC), "autumn", 2026),
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), "autumn", 2026),
        (datetime(2027, 1, 1, tzinfo=UTC), "spring", 2026),
        (datetime(2027, 5, 31, 23, 59, tzinfo=UTC), "spring", 2026),
        (datetime(2027, 6, 1, tzinfo=UTC), "summer", 2026),
        (datetime(2027, 8, 31, tzinfo=UTC), "summer", 2026),
    ],
)
def test_term_of(moment: datetime, name: str, school_year: int) -> None:
    term = term_of(moment)
    assert (term.name, term.school_year) == (name, school_year)
    assert moment in term


def test_boundaries_follow_the_schools_time_zone() -> None:
    moscow = timezone(timedelta(hours=3))
    moment = datetime(2026, 12, 31, 22, 0, tzinfo=UTC)  # already January 1st in Moscow
    assert term_of(moment).name == "autumn"
    assert term_of(moment, moscow).name == "spring"


def test_count_in_term() -> None:
    now = datetime(2026, 10, 1, tzinfo=UTC)
    moments = [datetime(2026, 9, 2, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC), now]
    assert count_in_term(moments, now) == 2


def test_naive_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        term_of(datetime(2026, 1, 1))
