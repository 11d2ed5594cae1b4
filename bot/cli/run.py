"""`etiket run`: the bot itself, on the embedded default or the configured services."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bot.cli.common import config_option, settings_or_exit, setup_logging

__all__ = ["run"]


@click.command()
@config_option
@click.option("--platform", type=click.Choice(["vk", "max"]), default=None)
@click.option("--api-url", default=None, help="The platform API (an emulator's URL for tests).")
@click.option("--token", default=None, help="The bot token (better: ETIKET_VK__TOKEN).")
@click.option(
    "--role",
    type=click.Choice(["single", "receiver", "worker"]),
    default="single",
    show_default=True,
    help="single: everything in one process. receiver: platform updates into Redis "
    "Streams. worker: handle events from the streams (several may run).",
)
def run(
    config_path: Path | None,
    platform: str | None,
    api_url: str | None,
    token: str | None,
    role: str,
) -> None:
    """Run the bot until Ctrl-C or SIGTERM."""
    from bot.app import run_bot

    overrides: dict[str, Any] = {"platform": platform}
    settings = settings_or_exit(config_path, **overrides)
    section = {k: v for k, v in {"api_url": api_url, "token": token}.items() if v is not None}
    if section:
        overrides[settings.platform] = section
        settings = settings_or_exit(config_path, **overrides)
    setup_logging(settings.log_level)
    from bot.app.roles import check_role

    try:
        check_role(settings, role)  # type: ignore[arg-type]
    except ValueError as exc:
        click.echo(f"etiket: {exc}", err=True)
        raise SystemExit(2) from None
    with asyncio.Runner(loop_factory=loop_factory(settings.event_loop)) as runner:
        runner.run(run_bot(settings, role))  # type: ignore[arg-type]


def loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop where it is installed (Linux, macOS), else the standard one."""
    if name == "uvloop":
        try:
            import uvloop
        except ImportError:  # pragma: no cover - a platform without uvloop's wheels
            return None
        return uvloop.new_event_loop
    return None
