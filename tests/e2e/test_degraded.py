"""Degradation in single-process mode (issue [11/11]): with Redis configured but
gone, the bot keeps moderating on in-process state, and says so in its log and
on `/healthz`."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from tests.e2e.conftest import free_port
from tests.e2e.school import School


async def test_without_redis_the_bot_moderates_and_reports_degraded(
    school: School, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    port = free_port()
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    s = school
    await s.start(redis_url=dead_redis, web={"enabled": True, "port": port})

    await s.em.say(s.chat, s.student, "да иди ты нахуй")
    await s.bot_says("Нецензурная лексика", "Действующих предупреждений: 1")
    assert "Redis unavailable, using in-process state" in caplog.text

    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            body = await resp.json()
    assert resp.status == 200
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["redis"].startswith("unavailable, using in-process state")
    assert body["role"] == "single"


async def test_healthz_is_ok_with_redis(school: School) -> None:
    port = free_port()
    s = school
    await s.start(redis_url="redis://127.0.0.1:6379/0", web={"enabled": True, "port": port})
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            body = await resp.json()
    assert (resp.status, body["status"], body["redis"]) == (200, "ok", "ok")
