"""The dashboard in Debian's Chromium, driven by Playwright (no browser download).

Screenshots of the log and statistics pages go to `test-artifacts/` (gitignored).
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.web.helpers import EVIL, PASSWORD, Seed

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

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


async def _signed_in(browser: Any, base: str, user: str) -> Any:
    context = await browser.new_context(
        accept_downloads=True, viewport={"width": 1400, "height": 900}
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: errors.append("dialog: " + d.message))  # a run <script>
    page.errors = errors
    await page.goto(base + "/")
    assert page.url.endswith("/login")
    await page.fill("input[name=username]", user)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]:not([name])")
    await page.wait_for_url(base + "/")
    return page


async def test_administrator_reads_filters_opens_and_exports(
    aiohttp_server: Any, app: web.Application, browser: Any, seeded: Seed
) -> None:
    server = await aiohttp_server(app)
    base = str(server.make_url("")).rstrip("/")
    page = await _signed_in(browser, base, "admin")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "dashboard-log.png"), full_page=True)
    cell = page.locator("td.target", has_text="script")
    assert await cell.first.inner_text() == f"{EVIL} (101)"  # shown as text, not run
    await page.fill("input[name=rule]", "insult")
    await page.click("#apply")
    await page.wait_for_url("**rule=insult**")
    assert await page.locator("table.log tbody tr").count() == 1
    async with page.expect_download() as info:
        await page.click("#export")
    download = await info.value
    body = await asyncio.to_thread(Path(await download.path()).read_bytes)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][5] == "block" and rows[1][2] == "6Б родители"
    await page.goto(f"{base}/case/{seeded.chat_a}/1")
    assert "мат в чате" in await page.content() and "ошибка" in await page.content()
    await page.goto(base + "/stats")
    assert await page.locator("svg.chart").count() == 2
    await page.screenshot(path=str(ARTIFACTS / "dashboard-stats.png"), full_page=True)
    assert page.errors == []


async def test_curator_cannot_open_another_class(
    aiohttp_server: Any, app: web.Application, browser: Any, seeded: Seed
) -> None:
    server = await aiohttp_server(app)
    base = str(server.make_url("")).rstrip("/")
    page = await _signed_in(browser, base, "curator")
    options = await page.locator("select[name=chat] option").all_inner_texts()
    assert "6Б родители" not in options and "5А родители" in options
    response = await page.goto(f"{base}/?chat={seeded.chat_b}")
    assert response.status == 403
    response = await page.goto(f"{base}/case/{seeded.chat_b}/1")
    assert response.status == 404
    assert "оскорбление" not in await page.content()
