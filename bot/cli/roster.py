"""`etiket roster ...` and `etiket chat tag`: the school roster from the command line.

Regulation point 8: the roster comes from the e-journal's CSV export; a sync shows
its plan (departures, arrivals, class changes, the removals that follow) and is
applied only with `--yes` or a typed confirmation. Invalid input exits with code 2
and writes nothing.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.cli.common import config_option, fail, settings_or_exit
from bot.config import Settings
from bot.i18n import Texts
from bot.moderation.roster import (
    ColumnMapping,
    MappingError,
    RosterRow,
    parse_csv,
    parse_mapping,
    plan_sync,
    read_file,
    validate,
)
from bot.services import roster as service
from bot.services.roster_live import plan_live
from bot.services.roster_removals import RemovalOutcome, carry_out, outcomes, retry_failed
from bot.services.roster_text import render_outcomes, render_plan, render_problem
from storage import Database
from storage.repos import Chats

__all__ = ["chat", "roster"]

T = TypeVar("T")
map_option = click.option(
    "--map", "map_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Mapping file (TOML): the export's column names and values onto the canonical ones.",
)  # fmt: skip
csv_argument = click.argument(
    "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)


def _run(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    async def main() -> T:
        if settings.auto_migrate:
            from storage.migrate import upgrade

            await upgrade(settings.database_url)
        db = Database(settings.database_url)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(main())


def _rows(path: Path, map_path: Path | None, texts: Texts, skip: bool) -> list[RosterRow]:
    """Parse and validate; every bad row is one line on stderr, then exit 2 (unless skip)."""
    mapping = ColumnMapping()
    if map_path is not None:
        try:
            mapping = parse_mapping(map_path.read_text("utf-8"))
        except (MappingError, UnicodeDecodeError) as exc:
            fail(texts.t("roster.bad_map", error=exc), code=2)
    checked = validate(parse_csv(read_file(path)), mapping, skip_invalid=skip)
    if checked.problems and not skip:
        click.echo(texts.t("roster.invalid"), err=True)
        for problem in checked.problems:
            click.echo(render_problem(problem, texts), err=True)
        raise SystemExit(2)
    if checked.problems:
        click.echo(texts.t("roster.skipped"), err=True)
        for problem in checked.problems:
            click.echo(render_problem(problem, texts), err=True)
    return list(checked.rows)


@click.group()
def roster() -> None:
    """The school roster and departures (regulation point 8)."""


@roster.command("import")
@config_option
@csv_argument
@map_option
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, list the others.")
def import_(
    config_path: Path | None, csv_path: Path, map_path: Path | None, skip_invalid: bool
) -> None:
    """Import a roster export: all rows or none."""
    settings = settings_or_exit(config_path)
    texts = Texts(settings.language)
    rows = _rows(csv_path, map_path, texts, skip_invalid)
    count = _run(settings, lambda db: service.import_rows(db, rows))
    click.echo(texts.t("roster.imported", count=count))


@roster.command("sync")
@config_option
@csv_argument
@map_option
@click.option("--dry-run", is_flag=True, help="Show the plan only.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan (and results) as JSON.")
@click.option("--yes", is_flag=True, help="Apply without asking.")
def sync(config_path: Path | None, csv_path: Path, map_path: Path | None, dry_run: bool,
         as_json: bool, yes: bool) -> None:  # fmt: skip
    """Compare a new export with the stored roster; apply the plan after confirmation."""
    settings = settings_or_exit(config_path)
    texts = Texts(settings.language)
    rows = _rows(csv_path, map_path, texts, skip=False)

    async def planned(db: Database) -> Any:
        async with db.transaction() as session:
            state = await service.load_state(session)
        draft = plan_sync(state.people, rows, state.chats)
        if not draft.removals:
            return draft

        def planner(members: Any) -> Any:  # the live members of the chats (roster_live)
            return plan_sync(state.people, rows, state.chats, members)

        if not _token(settings):
            return await plan_live(None, state.chats, planner)
        return await _with_adapter(
            settings, db, lambda adapter: plan_live(adapter, state.chats, planner)
        )

    plan = _run(settings, planned)
    if as_json:
        click.echo(json.dumps(plan.as_dict(), ensure_ascii=False))
    else:
        click.echo("\n".join(render_plan(plan, texts)))
    if dry_run or plan.empty or (as_json and not yes):
        return
    if not yes:
        answer = click.prompt(texts.t("roster.confirm_prompt"), default="", show_default=False)
        if answer.strip().casefold() != texts.t("roster.confirm_word").casefold():
            click.echo(texts.t("roster.not_applied"))
            return
    prefix = f"{service.KEY_PREFIX}{service.sync_id(rows)}:"

    async def apply(db: Database) -> list[RemovalOutcome]:
        await service.apply_plan(db, plan, service.sync_id(rows))
        return await _carry_out(db, settings, prefix, show_progress=not as_json)

    results = _run(settings, apply)
    if as_json:
        click.echo(json.dumps({"results": [asdict(r) for r in results]}, ensure_ascii=False))
        return
    click.echo(texts.t("roster.applied", count=len(plan.removals)))
    click.echo("\n".join(render_outcomes(results, texts)))


def _token(settings: Settings) -> str | None:
    return settings.secret((settings.vk if settings.platform == "vk" else settings.max).token)


async def _with_adapter(settings: Settings, db: Database, work: Callable[[Any], Awaitable[T]]) -> T:
    """Build the configured platform's adapter (as `etiket run` does) for the duration of `work`."""
    from adapters.registry import build_platform
    from storage.repos import DatabaseCursors
    from storage.state import make_state

    section = settings.vk if settings.platform == "vk" else settings.max
    state = make_state(settings.redis_url)
    platform = build_platform(
        settings.platform,
        token=settings.secret(section.token) or "",
        api_url=section.api_url,
        rate=section.rate,
        limiter=state,
        cursors=DatabaseCursors(db),
        options=section.model_dump(exclude={"token", "api_url", "rate"}),
    )
    try:
        return await work(platform.adapter)
    finally:
        await platform.adapter.close()
        await state.close()


async def _carry_out(
    db: Database, settings: Settings, prefix: str, *, show_progress: bool
) -> list[RemovalOutcome]:
    pending = [o for o in await outcomes(db, prefix) if o.status == "pending"]
    if not pending:
        return await outcomes(db, prefix)
    with click.progressbar(
        length=len(pending), file=None if show_progress else io.StringIO()
    ) as bar:
        seen = [0]

        def progress(done: int, total: int) -> None:
            bar.update(max(0, done - (total - len(pending)) - seen[0]))
            seen[0] = max(seen[0], done - (total - len(pending)))

        return await _with_adapter(
            settings, db, lambda adapter: carry_out(db, adapter, prefix, progress=progress)
        )


@roster.command("unknown")
@config_option
def unknown(config_path: Path | None) -> None:
    """Chat members who are not in the roster; the bot does not act on them."""
    settings = settings_or_exit(config_path)
    texts = Texts(settings.language)

    async def find(db: Database) -> list[tuple[str, str]]:
        async with db.transaction() as session:
            state = await service.load_state(session)
        return service.unknown_members(state)

    found = _run(settings, find)
    click.echo(texts.t("roster.unknown_title", count=len(found)))
    for chat_id, user in found:
        click.echo(texts.t("roster.unknown_member", chat=chat_id, user=user))


@roster.command("retry")
@config_option
def retry(config_path: Path | None) -> None:
    """Retry the departure removals that failed."""
    settings = settings_or_exit(config_path)
    texts = Texts(settings.language)

    async def again(db: Database) -> tuple[int, list[RemovalOutcome]]:
        keys = await retry_failed(db)
        if not keys:
            return 0, []
        await _carry_out(db, settings, service.KEY_PREFIX, show_progress=True)
        done = {k.partition("#")[0] for k in keys}
        return len(keys), [o for o in await outcomes(db) if o.key in done]

    count, results = _run(settings, again)
    click.echo(texts.t("roster.retried", count=count))
    click.echo("\n".join(render_outcomes(results, texts)))


@click.group()
def chat() -> None:
    """Chats the bot knows."""


@chat.command("tag")
@config_option
@click.argument("chat_id", type=int)
@click.argument("tags", nargs=-1, required=True)
def tag(config_path: Path | None, chat_id: int, tags: tuple[str, ...]) -> None:
    """Set a chat's tags (e.g. 5А 5А-родители): how classes find their chats."""
    settings = settings_or_exit(config_path)
    texts = Texts(settings.language)

    async def set_tags(db: Database) -> list[str] | None:
        async with db.transaction() as session:
            found = await Chats(session).get(chat_id)
            if found is None:
                return None
            await Chats(session).set_tags(found, tags)
            return found.tag_names

    names = _run(settings, set_tags)
    if names is None:
        fail(texts.t("roster.no_chat", chat=chat_id), code=2)
    click.echo(texts.t("roster.tagged", chat=chat_id, tags=", ".join(names)))
