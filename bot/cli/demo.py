"""`etiket demo`: try the whole bot in a browser, with no token."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from bot.cli.common import setup_logging

__all__ = ["demo"]


@click.command()
@click.option("--platform", type=click.Choice(["vk", "max"]), default="vk", show_default=True)
@click.option("--port", type=click.IntRange(1, 65534), default=8081, show_default=True,
              help="The emulator's port; the dashboard listens on the next one.")  # fmt: skip
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=None,
              help="Where the SQLite file goes (default: a temporary directory).")  # fmt: skip
@click.option("--script", is_flag=True, help="Play the guided scenario, check it and exit.")
def demo(platform: str, port: int, directory: Path | None, script: bool) -> None:
    """Run the emulator, the bot and the dashboard on a seeded demo school."""
    from bot.demo import play_script, serve_demo

    setup_logging("WARNING")
    if not script:
        asyncio.run(serve_demo(platform, port, directory))
        return
    results = asyncio.run(play_script(platform, port, directory))
    passed = sum(r.ok for r in results)
    ok = passed == len(results) and len(results) > 0
    click.echo(f"{'OK' if ok else 'FAILED'}: {passed} step(s) passed")
    sys.exit(0 if ok else 1)
