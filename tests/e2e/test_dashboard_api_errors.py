"""Platform API errors reach `/metrics` by platform and error class (issue [9/11])."""

from __future__ import annotations

import aiohttp

from tests.e2e.conftest import free_port
from tests.e2e.helpers import arm
from tests.e2e.school import School

SEND = {"vk": ("messages.send", 6), "max": ("POST /messages", 429)}
"""The method the bot answers with, and the platform's "too many requests" code."""


async def test_a_retried_rate_limit_is_counted_per_platform(school: School, platform: str) -> None:
    port = free_port()
    await school.start(web={"enabled": True, "port": port})
    method, code = SEND[platform]
    await arm(school.em, [{"kind": "api_error", "code": code, "method": method, "count": 1}])
    await school.em.say(school.chat, school.student, "/ping")
    await school.bot_says("Бот на связи")  # the retry went through
    line = f'etiket_api_errors_total{{error="RateLimited",platform="{platform}"}} 1'
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
            assert resp.status == 200
            body = await resp.text()
    assert "# TYPE etiket_api_errors_total counter" in body
    assert line in body, [x for x in body.splitlines() if "api_" in x]
    await school.stop()
