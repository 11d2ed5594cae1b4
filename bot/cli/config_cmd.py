"""`etiket config check FILE`: validate a configuration without starting anything."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.common import settings_or_exit

__all__ = ["config"]


@click.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--show", is_flag=True, help="Print the resulting settings (secrets masked).")
def check(path: Path, show: bool) -> None:
    """Validate PATH together with the ETIKET_* environment."""
    settings = settings_or_exit(path)
    if show:
        click.echo(json.dumps(settings.summary(), ensure_ascii=False, indent=2))
    click.echo(f"{path}: OK (platform {settings.platform}, database {settings.database_url})")
