"""The emulator's web UI in Chromium: a student swears, the curator acts on the notice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.demo import Demo
from bot.demo.control import Control
from tests.e2e.conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "demo"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="apt-get install chromium")


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def test_student_warned_and_curator_presses_a_button(tmp_path: Path, browser: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    demo = Demo(platform="vk", port=free_port(), directory=tmp_path)
    await demo.start()
    try:
        assert demo.school is not None
        u = demo.school.users
        async with aiohttp.ClientSession() as session:
            await Control(demo.emulator_url, session).bot_is_listening()
        page = await browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        await page.goto(f"{demo.emulator_url}/?as={u['s51']}")
        await page.locator("nav button.chat", has_text="5А").first.click()
        await page.fill("#text", "да иди ты нахуй")
        await page.click("#compose button[type=submit]")
        bot = page.locator("#messages li.bot", has_text="Нецензурная лексика")
        await bot.wait_for(timeout=15000)
        await page.screenshot(path=str(SHOTS / "1-student-warned.png"))

        await page.select_option("#who", u["c5"])
        await page.locator("nav button.dialog").click()
        notice = page.locator("#messages li.bot", has_text="автоматическое предупреждение")
        await notice.wait_for(timeout=15000)
        await page.screenshot(path=str(SHOTS / "2-curator-notice.png"))
        await notice.locator(".keyboard button", has_text="Снять").click()

        await page.locator("nav button.chat", has_text="5А").first.click()
        await page.locator("#messages li.bot", has_text="снято").wait_for(timeout=15000)
        await page.screenshot(path=str(SHOTS / "3-warning-withdrawn.png"))
        assert not errors, errors
    finally:
        await demo.stop()
