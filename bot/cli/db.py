"""`etiket db upgrade`: apply the Alembic migrations to the configured database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from bot.cli.common import config_option, fail, settings_or_exit

__all__ = ["db"]


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@config_option
@click.option("--database-url", envvar="ETIKET_DATABASE_URL", default=None)
def upgrade(config_path: Path | None, database_url: str | None) -> None:
    """Bring the database schema to the latest version."""
    from storage.migrate import upgrade as run_upgrade

    settings = settings_or_exit(config_path, database_url=database_url)
    try:
        asyncio.run(run_upgrade(settings.database_url))
    except OSError as exc:
        fail(f"cannot reach the database: {exc}")
    click.echo(f"database is up to date: {settings.database_url}")
