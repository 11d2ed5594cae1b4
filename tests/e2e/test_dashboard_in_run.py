"""The dashboard served by the running bot, fed by it (issue [9/11])."""

from __future__ import annotations

import aiohttp

from tests.e2e.conftest import free_port
from tests.e2e.school import School


async def test_the_running_bot_serves_health_and_its_metrics(school: School, platform: str) -> None:
    port = free_port()
    app = await school.start(web={"enabled": True, "port": port})
    assert app.extras is not None and app.extras.web is not None
    base = f"http://127.0.0.1:{port}"
    await school.em.say(school.chat, school.student, "/ping")
    await school.bot_says("Бот на связи")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/healthz") as resp:
            assert resp.status == 200
            assert (await resp.json())["status"] == "ok"

        async def counted() -> str:
            async with http.get(f"{base}/metrics") as resp:
                assert resp.status == 200  # loopback, no token configured
                body = await resp.text()
            line = f'etiket_events_total{{kind="message",platform="{platform}"}} '
            return body if line in body else ""

        body = await school.until(counted)
        assert f'etiket_handler_seconds_count{{kind="message",platform="{platform}"}}' in body
        assert f'etiket_actions_total{{outcome="done",platform="{platform}"}}' in body
        assert f'etiket_queue_depth{{platform="{platform}"}}' in body
        assert f'etiket_api_requests_total{{platform="{platform}"}}' in body
        async with http.get(f"{base}/", allow_redirects=False) as resp:
            assert resp.status in (302, 303)  # everything else wants a login
    await school.stop()
    async with aiohttp.ClientSession() as http:  # the port is released at shutdown
        try:
            async with http.get(f"{base}/healthz") as resp:
                raise AssertionError(f"still served: {resp.status}")
        except aiohttp.ClientConnectionError:
            pass
