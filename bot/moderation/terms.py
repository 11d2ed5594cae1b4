"""School terms, for the per-term cap on early releases (issue [5/11]).

Russian schools run the autumn term September–December and the spring term
January–May; June–August is the summer break, counted as its own term so that a
summer camp chat has a cap too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Literal

from bot.moderation.actor import ensure_aware

__all__ = ["Term", "TermName", "count_in_term", "term_of"]

TermName = Literal["autumn", "spring", "summer"]


@dataclass(frozen=True, slots=True)
class Term:
    """A term of a school year; `school_year` is the year it began (Sept 2026 → 2026)."""

    name: TermName
    school_year: int
    starts_at: datetime
    ends_at: datetime  # exclusive

    def __contains__(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def term_of(moment: datetime, tz: tzinfo = UTC) -> Term:
    """The term containing `moment`, with boundaries at local midnight in `tz`."""
    local = ensure_aware(moment, "moment").astimezone(tz)
    year = local.year
    if local.month >= 9:
        name: TermName = "autumn"
        school_year, start, end = year, datetime(year, 9, 1), datetime(year + 1, 1, 1)
    elif local.month <= 5:
        name, school_year = "spring", year - 1
        start, end = datetime(year, 1, 1), datetime(year, 6, 1)
    else:
        name, school_year = "summer", year - 1
        start, end = datetime(year, 6, 1), datetime(year, 9, 1)
    return Term(name, school_year, start.replace(tzinfo=tz), end.replace(tzinfo=tz))


def count_in_term(moments: Iterable[datetime], now: datetime, tz: tzinfo = UTC) -> int:
    """How many of `moments` fall in the term containing `now`."""
    term = term_of(now, tz)
    return sum(1 for moment in moments if ensure_aware(moment, "moment") in term)
