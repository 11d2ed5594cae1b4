"""The `etiket` command line.

Every command reads its configuration through `load_settings`, so the `ETIKET_*`
environment variables (`ETIKET_DATABASE_URL`, `ETIKET_REDIS_URL`, ...) apply to all
of them. A configuration error prints one line and exits with code 2.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

import click

from bot.cli.announce import announce
from bot.cli.common import fail
from bot.cli.config_cmd import config
from bot.cli.db import db
from bot.cli.demo import demo
from bot.cli.detect import detect
from bot.cli.emulator import emulator
from bot.cli.roster import chat, roster
from bot.cli.run import run
from bot.cli.users import user
from bot.cli.web import web

__all__ = ["cli", "main"]


def _version() -> str:
    try:
        return version("etiket")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0+unknown"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", "-V", prog_name="etiket")
def cli() -> None:
    """etiket: moderation of school chats in VK Messenger and MAX."""


cli.add_command(run)
cli.add_command(db)
cli.add_command(config)
cli.add_command(emulator)
cli.add_command(roster)
cli.add_command(chat)
cli.add_command(web)
cli.add_command(user)
cli.add_command(detect)
cli.add_command(announce)
cli.add_command(demo)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    try:
        cli.main(args=argv, prog_name="etiket", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        fail("interrupted", code=130)
    sys.exit(0)
