"""The local messenger emulator: VK's or MAX's wire protocol for the bot, a control API for people.

It backs `etiket emulator` and `etiket demo` and is what the tests drive. The core
(`model`, `world`, `events`, `calls`, `faults`, `control`) is platform-neutral;
`vk/` is the VK front (ids, methods, Bots Long Poll, Callback API), `max/` the MAX
front (ids, Bot API endpoints, `/updates`, webhooks).

    app = create_emulator_app("vk", token="secret")   # an aiohttp Application
    await run_emulator("vk", "127.0.0.1", 8081)       # serve and print the token
"""

from __future__ import annotations

from adapters.emulator.app import create_emulator_app, run_emulator
from adapters.emulator.hub import HUB, Emulator
from adapters.emulator.world import World

__all__ = ["HUB", "Emulator", "World", "create_emulator_app", "run_emulator"]
