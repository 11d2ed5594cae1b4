"""`etiket emulator`: the local VK or MAX emulator, for trying etiket without a token."""

from __future__ import annotations

import asyncio

import click

from bot.cli.common import setup_logging

__all__ = ["emulator"]


@click.command()
@click.option("--platform", type=click.Choice(["vk", "max"]), default="vk", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8081, show_default=True)
@click.option("--token", default=None, help="The token to accept (default: a new random one).")
def emulator(platform: str, host: str, port: int, token: str | None) -> None:
    """Serve a messenger emulator: its API for the bot, a control API for people and tests."""
    from adapters.emulator import run_emulator

    setup_logging("INFO")
    asyncio.run(run_emulator(platform=platform, host=host, port=port, token=token))
