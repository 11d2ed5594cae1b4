"""Runs missed while the bot was down: late but useful, or too late to send.

"Meeting at 18:00" delivered at 18:40 still helps; delivered the next morning it
misleads. So a run found late by less than the grace period (default one hour) is
delivered at once; a later one is marked missed and its author is told, so a person
decides whether to post it by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["DEFAULT_GRACE", "Fate", "fate"]

DEFAULT_GRACE = timedelta(hours=1)


class Fate(StrEnum):
    """What becomes of a run whose time has come."""

    DELIVER = "deliver"
    MISSED = "missed"


def fate(run_at: datetime, now: datetime, grace: timedelta = DEFAULT_GRACE) -> Fate:
    """Deliver when at most `grace` late (the boundary itself still delivers)."""
    return Fate.DELIVER if now - run_at <= grace else Fate.MISSED
