"""What an administrator sees before an announcement goes out: when, and to whom."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.announcements.runs import Plan
from bot.announcements.targets import ChatRef, resolve

__all__ = ["PREVIEW_RUNS", "Preview", "preview"]

PREVIEW_RUNS = 5


@dataclass(frozen=True, slots=True)
class Preview:
    """The next runs in school-local time and the chats they reach."""

    runs: tuple[datetime, ...]
    chats: tuple[ChatRef, ...]
    unmatched: tuple[str, ...]


def preview(
    plan: Plan, targets: Sequence[str], chats: Iterable[ChatRef], now: datetime,
    n: int = PREVIEW_RUNS,
) -> Preview:  # fmt: skip
    runs = tuple(r.astimezone(plan.zone) for r in plan.upcoming(now, n))
    resolution = resolve(targets, chats)
    return Preview(runs, resolution.chats, resolution.unmatched)
