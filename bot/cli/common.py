"""Helpers shared by the CLI commands: settings loading and one-line failures."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, NoReturn

import click

from bot.config import ConfigError, Settings, load_settings
from bot.middlewares import EventContextFilter

__all__ = ["config_option", "fail", "settings_or_exit", "setup_logging"]

config_option = click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="ETIKET_CONFIG",
    help="TOML configuration file (ETIKET_* variables override it).",
)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `etiket: <message>` to stderr and exit."""
    click.echo(f"etiket: {message}", err=True)
    raise SystemExit(code)


def settings_or_exit(path: Path | None, **overrides: Any) -> Settings:
    """Load settings; a bad configuration is one line on stderr and exit code 2."""
    try:
        return load_settings(path, **overrides)
    except ConfigError as exc:
        fail(f"configuration error: {exc}", code=2)


def setup_logging(level: str) -> None:
    """Log lines carry the event being handled, so a failure names its event id."""
    handler = logging.StreamHandler()
    handler.addFilter(EventContextFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(event)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
