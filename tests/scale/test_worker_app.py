"""Worker mode wired end to end in one test process: a receiver and a worker built
as `etiket run --role ...` builds them, the VK emulator, PostgreSQL and a Redis of
the test's own. A violation is warned; `/healthz` and `/metrics` describe the worker."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from bot.app import build_app
from bot.app.roles import build_receiver, check_role
from bot.config import load_settings
from tests.e2e.conftest import free_port
from tests.e2e.control import Emulator, eventually
from tests.scale.cluster import TOKEN, RedisServer, emulator, fresh_database
from tests.scale.scenario import OBSCENE, WARNING_MARK


def test_a_worker_needs_postgresql_and_redis() -> None:
    settings = load_settings(None, database_url="sqlite:///x.db", redis_url="redis://h:1/0")
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        check_role(settings, "worker")
    with pytest.raises(ValueError, match="needs Redis"):
        check_role(load_settings(None), "receiver")
    check_role(load_settings(None), "single")


async def test_receiver_and_worker_moderate_and_report(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis")
    await redis.start()
    port = free_port()
    async with (
        fresh_database() as db_url,
        emulator() as (em_url, _),
        aiohttp.ClientSession() as http,
    ):
        settings = load_settings(
            None,
            platform="vk",
            database_url=db_url,
            redis_url=redis.url,
            auto_migrate=False,
            vk={"api_url": f"{em_url}/method/", "token": TOKEN, "wait": 2},
            web={"enabled": True, "port": port},
            scale={"partitions": 4, "tick": 0.2, "leader_ttl": 1},
        )
        receiver = await build_receiver(settings)
        worker = await build_app(settings, role="worker")
        tasks = [
            asyncio.create_task(receiver.runner.run(handle_signals=False)),
            asyncio.create_task(worker.runner.run(handle_signals=False)),
        ]
        try:
            control = Emulator(em_url, http)
            student, teacher = await control.user("Ученик"), await control.user("Учитель")
            chat = await control.chat("5А", [teacher, student], admins=[teacher])

            async def receiving() -> bool:
                return any("getLongPollServer" in c["method"] for c in await control.calls())

            await eventually(receiving, timeout=20)
            await control.say(chat, student, OBSCENE)

            async def warned() -> bool:
                messages = (await control.get_chat(chat))["messages"]
                return any(m["from_bot"] and WARNING_MARK in m["text"] for m in messages)

            await eventually(warned, timeout=20)

            async def leading() -> bool:
                return worker.leadership is not None and worker.leadership.is_leader

            await eventually(leading, timeout=10)
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                health = await resp.json()
            assert resp.status == 200, health
            assert health["status"] == "ok"
            assert health["role"] == "worker" and health["redis"] == "ok"
            assert health["partitions"] == [0, 1, 2, 3]
            assert health["intake"] == "running" and health["scheduler"] is True
            assert health["backlog"] == 0
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                metrics = await resp.text()
            assert "etiket_worker_partitions 4" in metrics
            assert "etiket_scheduler_leader 1" in metrics
            assert "etiket_worker_events_total" in metrics
        finally:
            receiver.runner.stop()
            worker.runner.stop()
            await asyncio.wait_for(asyncio.gather(*tasks), 30)
            await redis.stop()
