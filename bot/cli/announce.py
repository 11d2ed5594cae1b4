"""`etiket announce add|list|cancel|preview`: scheduled announcements from the shell.

The CLI only writes the announcement; the running bot's scheduler picks it up at
its next `next_wakeup` check and fans it out. Bad input is one line, exit code 2.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.announcements import Preview
from bot.cli.common import config_option, fail, settings_or_exit
from bot.services.announcement_specs import SpecError, SpecFields, parse_spec
from bot.services.announcements import AnnouncementService, NewAnnouncement
from storage import Database

__all__ = ["announce"]

T = TypeVar("T")


def _run(config_path: Path | None, job: Callable[[AnnouncementService], Awaitable[T]]) -> T:
    settings = settings_or_exit(config_path)

    async def go() -> T:
        from storage.migrate import upgrade

        if settings.auto_migrate:
            await upgrade(settings.database_url)
        db = Database(settings.database_url)
        try:
            return await job(AnnouncementService(db, platform=settings.platform))
        finally:
            await db.close()

    try:
        return asyncio.run(go())
    except OSError as exc:
        fail(f"cannot reach the database: {exc}")


def _spec(options: dict[str, Any], default_zone: str) -> NewAnnouncement:
    """The options through the parser the dashboard's form uses too."""
    fields = SpecFields(
        text=options.get("text") or "",
        targets=options["to"],
        at=options["at"] or "",
        every=options["every"] or "",
        until=options["until"] or "",
        count=options["count"],
        tz=options["tz"] or "",
        quiet=options.get("quiet") or "",
        urgent=options.get("urgent", False),
        pin=options.get("pin", False),
        author=options.get("author"),
    )
    try:
        return parse_spec(fields, default_zone)
    except SpecError as exc:
        fail(str(exc), code=2)


def _show(view: Preview) -> None:
    click.echo("next runs:")
    for run in view.runs:
        click.echo(f"  {run:%Y-%m-%d %H:%M %Z}")
    click.echo(f"chats ({len(view.chats)}):")
    for chat in view.chats:
        click.echo(f"  #{chat.id} {chat.platform}:{chat.platform_chat_id} {chat.title}")
    for item in view.unmatched:
        click.echo(f"  (no chat matches {item})")


schedule_options = [
    click.option("--to", "to", required=True, help="Tags (wildcards *), #chat ids, @roles."),
    click.option("--at", default=None, help="Once: 'YYYY-MM-DD HH:MM' school-local."),
    click.option("--every", default=None, help="Recurring: 'mon,thu 08:00'."),
    click.option("--until", default=None, help="Last date of a recurrence (YYYY-MM-DD)."),
    click.option("--count", type=int, default=None, help="Number of runs of a recurrence."),
    click.option("--tz", default=None, help="IANA time zone (default: configured)."),
    click.option("--quiet", default=None, help="Quiet hours, e.g. 21:00-08:00, or off."),
]


def with_schedule(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(schedule_options):
        f = option(f)
    return f


@click.group()
def announce() -> None:
    """Scheduled announcements."""


@announce.command("add")
@config_option
@click.option("--text", required=True)
@with_schedule
@click.option("--urgent", is_flag=True, help="Deliver even in quiet hours.")
@click.option("--pin", is_flag=True, help="Pin the message (where supported).")
@click.option("--author", default=None, help="Platform user id that gets the reports.")
def add(config_path: Path | None, **options: Any) -> None:
    """Schedule an announcement."""
    settings = settings_or_exit(config_path)
    spec = _spec(options, settings.timezone)
    if not spec.text.strip():
        fail("the text is empty", code=2)
    ann = _run(config_path, lambda s: s.create(spec))
    nxt = f"{ann.next_run_at:%Y-%m-%d %H:%M} UTC" if ann.next_run_at else "none"
    click.echo(f"announcement #{ann.id} {ann.status}; next run {nxt}")


@announce.command("list")
@config_option
@click.option("--all", "show_all", is_flag=True, help="Include finished and cancelled.")
def list_(config_path: Path | None, show_all: bool) -> None:
    """Announcements and their next runs."""
    statuses = None if show_all else ("active", "draft")
    for a in _run(config_path, lambda s: s.list(statuses=statuses)):
        nxt = f"{a.next_run_at:%Y-%m-%d %H:%M} UTC" if a.next_run_at else "-"
        click.echo(f"#{a.id}\t{a.status}\t{nxt}\t{','.join(a.target_tags)}\t{a.title}")


@announce.command("cancel")
@config_option
@click.argument("announcement_id", type=int)
def cancel(config_path: Path | None, announcement_id: int) -> None:
    """Stop an announcement's future runs."""
    if not _run(config_path, lambda s: s.cancel(announcement_id)):
        fail(f"no active announcement #{announcement_id}", code=2)
    click.echo(f"announcement #{announcement_id} cancelled")


@announce.command("preview")
@config_option
@click.argument("announcement_id", type=int, required=False)
@click.option("--to", "to", default=None)
@click.option("--at", default=None)
@click.option("--every", default=None)
@click.option("--until", default=None)
@click.option("--count", type=int, default=None)
@click.option("--tz", default=None)
@click.option("--quiet", default=None)
@click.option("--urgent", is_flag=True)
def preview_(config_path: Path | None, announcement_id: int | None, **options: Any) -> None:
    """The next 5 runs and the resolved chats, of a stored announcement or a --spec."""
    if announcement_id is None and not options["to"]:
        fail("give an announcement id or --to with --at/--every", code=2)
    target: int | NewAnnouncement = announcement_id or 0
    if announcement_id is None:
        target = _spec(options, settings_or_exit(config_path).timezone)
    try:
        _show(_run(config_path, lambda s: s.preview(target)))
    except LookupError as exc:
        fail(str(exc.args[0]), code=2)
