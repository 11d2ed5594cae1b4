"""`etiket demo`: the emulator, the bot and the dashboard in one process, seeded."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.clock import FakeClock
from bot.demo.control import Control
from bot.demo.script import Scenario, StepResult, past_cases
from bot.demo.server import Demo

__all__ = ["Demo", "StepResult", "play_script", "serve_demo"]


async def serve_demo(platform: str, port: int, directory: Path | None) -> None:
    """Until Ctrl-C: seed, print where to click, serve."""
    demo = Demo(platform=platform, port=port, directory=directory)
    await demo.start(handle_signals=True)
    try:
        async with aiohttp.ClientSession() as session:
            em = Control(demo.emulator_url, session)
            await em.bot_is_listening()
            await past_cases(demo, em)
        print(demo.banner(), flush=True)
        await demo.wait()
    finally:
        await demo.stop()


async def play_script(platform: str, port: int, directory: Path | None) -> list[StepResult]:
    """Start the demo on a fake clock, play the scenario, stop; the steps' results."""
    demo = Demo(platform=platform, port=port, directory=directory, clock=FakeClock())
    await demo.start()
    try:
        async with aiohttp.ClientSession() as session:
            em = Control(demo.emulator_url, session)
            await em.bot_is_listening()
            await past_cases(demo, em)
            print(demo.banner().splitlines()[0] + " — сценарий / scenario", flush=True)
            return await Scenario(demo, em).run(lambda line: print(line, flush=True))
    finally:
        await demo.stop()
