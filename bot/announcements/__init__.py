"""Scheduled announcements, the pure part: schedules, quiet hours, targets, grace.

No I/O here: every function takes `now` and the chats it needs and returns a
decision; `bot.services.announcements` reads and writes the database around it.
"""

from bot.announcements.grace import DEFAULT_GRACE, Fate, fate
from bot.announcements.preview import PREVIEW_RUNS, Preview, preview
from bot.announcements.quiet import QuietHours
from bot.announcements.report import DeliveryOutcome, RunReport, summarize
from bot.announcements.runs import Plan
from bot.announcements.schedule import (
    Schedule,
    ScheduleError,
    local_to_utc,
    parse_at,
    parse_every,
    parse_zone,
)
from bot.announcements.targets import (
    ROLE_TAGS,
    ChatRef,
    Resolution,
    TargetError,
    parse_targets,
    resolve,
)

__all__ = [
    "DEFAULT_GRACE",
    "PREVIEW_RUNS",
    "ROLE_TAGS",
    "ChatRef",
    "DeliveryOutcome",
    "Fate",
    "Plan",
    "Preview",
    "QuietHours",
    "Resolution",
    "RunReport",
    "Schedule",
    "ScheduleError",
    "TargetError",
    "fate",
    "local_to_utc",
    "parse_at",
    "parse_every",
    "parse_targets",
    "parse_zone",
    "preview",
    "resolve",
    "summarize",
]
