"""The shapes the announcement service takes and returns, and the one parser of a spec.

`parse_spec` reads an announcement as typed (the CLI's options, the dashboard's
form) into a `NewAnnouncement`, so both check the same things the same way. A bad
field raises `SpecError`: its message is the CLI's one English line, its `problem`
names a catalogue text the dashboard shows in the viewer's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.announcements import (
    ChatRef,
    QuietHours,
    Schedule,
    ScheduleError,
    TargetError,
    parse_at,
    parse_every,
    parse_targets,
    parse_zone,
)
from storage.models import Chat

__all__ = [
    "NewAnnouncement",
    "RunSummary",
    "SpecError",
    "SpecFields",
    "chat_ref",
    "parse_spec",
    "quiet_between",
]


@dataclass(frozen=True, slots=True)
class NewAnnouncement:
    """What an administrator gives to create an announcement (already parsed)."""

    text: str
    targets: tuple[str, ...]
    schedule: Schedule
    time_zone: str
    urgent: bool = False
    pin: bool = False
    author: str | None = None
    quiet: QuietHours | None = None
    school_id: int | None = None


@dataclass
class RunSummary:
    """What one `run_due` did: for logs, metrics and tests."""

    fanned_out: int = 0
    deliveries: int = 0
    missed: int = 0
    reports: int = 0


def chat_ref(chat: Chat) -> ChatRef:
    return ChatRef(chat.id, chat.platform, chat.platform_chat_id, chat.title, tuple(chat.tag_names))


class SpecError(ValueError):
    """A field of an announcement cannot be read; `problem` and `values` for the texts."""

    def __init__(self, problem: str, message: str, **values: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.values = values


@dataclass(frozen=True, slots=True)
class SpecFields:
    """An announcement as typed; an empty string is a field left out."""

    text: str = ""
    targets: str | Sequence[str] = ""
    at: str = ""
    every: str = ""
    until: str = ""
    count: str | int | None = None
    tz: str = ""
    quiet: str = ""
    """`21:00-08:00`, `off`, or empty for the service's default (policy) quiet hours."""
    urgent: bool = False
    pin: bool = False
    author: str | None = None


def quiet_between(start: str, end: str) -> str:
    """The form's two quiet-hours fields as `parse_spec` reads them (both or neither)."""
    start, end = start.strip(), end.strip()
    if bool(start) != bool(end):
        raise SpecError("quiet_incomplete", "give both the start and the end of the quiet hours")
    return f"{start}-{end}" if start else ""


def _count(raw: str | int | None) -> int | None:
    if isinstance(raw, int) or raw is None:
        count = raw
    elif not raw.strip():
        return None
    else:
        try:
            count = int(raw.strip())
        except ValueError:
            raise SpecError(
                "bad_count", f"bad --count {raw!r}, expected a number", value=raw
            ) from None
    if count is not None and count < 1:
        raise SpecError("count_low", "the count must be at least 1")
    return count


def _schedule(f: SpecFields) -> Schedule:
    at, every, until = f.at.strip(), f.every.strip(), f.until.strip()
    if bool(at) == bool(every):
        raise SpecError("schedule_one", "give exactly one of --at or --every")
    count = _count(f.count)
    if at:
        if until or count is not None:
            raise SpecError("until_once", "--until and --count apply to --every only")
        try:
            return parse_at(at)
        except ScheduleError as exc:
            raise SpecError("bad_at", str(exc), value=at) from None
    try:
        end = date.fromisoformat(until) if until else None
    except ValueError:
        raise SpecError(
            "bad_until", f"bad --until {until!r}, expected YYYY-MM-DD", value=until
        ) from None
    if end is not None and count is not None:
        raise SpecError("until_and_count", "give an end date or a count, not both")
    try:
        return parse_every(every, until=end, count=count)
    except ScheduleError as exc:
        raise SpecError("bad_every", str(exc), value=every) from None


def _targets(raw: str | Sequence[str]) -> tuple[str, ...]:
    text = raw.replace(";", ",") if isinstance(raw, str) else ",".join(raw)
    items = [item.strip() for item in text.split(",") if item.strip()]
    for item in items:  # one at a time, so the error can name the item
        try:
            parse_targets([item])
        except TargetError as exc:
            raise SpecError("bad_target", str(exc), value=item) from None
    try:
        return parse_targets(items)
    except TargetError as exc:
        raise SpecError("no_targets", str(exc)) from None


def parse_spec(fields: SpecFields, default_zone: str) -> NewAnnouncement:
    """Every field checked, in the order the form shows them; the text is the caller's."""
    targets = _targets(fields.targets)
    schedule = _schedule(fields)
    zone = fields.tz.strip() or default_zone
    try:
        parse_zone(zone)
    except ScheduleError as exc:
        raise SpecError("bad_zone", str(exc), value=zone) from None
    quiet = None
    if fields.quiet.strip():
        try:
            quiet = QuietHours.parse(fields.quiet)
        except ValueError as exc:
            raise SpecError("bad_quiet", str(exc), value=fields.quiet) from None
    return NewAnnouncement(
        text=fields.text.strip(),
        targets=targets,
        schedule=schedule,
        time_zone=zone,
        urgent=fields.urgent,
        pin=fields.pin,
        author=fields.author,
        quiet=quiet,
    )
