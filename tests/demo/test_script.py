"""`etiket demo --script`: the scenario passes, and its outcomes are in the world."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.clock import FakeClock
from bot.demo import Demo
from bot.demo.control import Control
from bot.demo.script import Scenario, past_cases
from tests.e2e.conftest import free_port


async def test_the_scenario_passes_and_the_world_shows_it(tmp_path: Path) -> None:
    demo = Demo(platform="vk", port=free_port(), directory=tmp_path, clock=FakeClock())
    await demo.start()
    try:
        async with aiohttp.ClientSession() as session:
            em = Control(demo.emulator_url, session)
            await em.bot_is_listening()
            await past_cases(demo, em)
            lines: list[str] = []
            results = await Scenario(demo, em).run(lines.append)
            assert [r.ok for r in results] == [True] * 7, "\n".join(lines)
            assert demo.school is not None
            u, chats = demo.school.users, demo.school.chats
            texts = [m["text"] for m in (await em.chat(chats["5А"]))["messages"] if m["from_bot"]]
            assert any("Нецензурная лексика" in t for t in texts)
            assert any("заблокирован(а) на 7 дн." in t for t in texts)
            assert any("снята досрочно" in t for t in texts)
            assert u["s56"] not in await em.members(chats["5А"])
            assert u["s51"] in await em.members(chats["5А"])
            parents = (await em.chat(chats["7Б-родители"]))["messages"]
            assert any(m["from_bot"] and "Доброе утро" in m["text"] for m in parents)
            inbox = (await em.private(u["c5"]))["messages"]
            assert any("Можно заблокировать" in m["text"] for m in inbox)
            assert set(demo.logins) == {"admin", "curator"}
    finally:
        await demo.stop()


async def test_etiket_demo_script_as_a_person_runs_it(tmp_path: Path) -> None:
    """The command itself, as the README tells a person to run it: it exits 0 only when
    every step's outcome was checked through the control API."""
    import asyncio
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("ETIKET_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo", "--script",
        "--port", str(free_port()), "--dir", str(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    text = out.decode()
    assert proc.returncode == 0, text[-3000:]
    assert "7 step(s) passed" in text, text[-3000:]
