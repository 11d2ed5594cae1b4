"""End-to-end fixtures: the emulator on a real port and the bot speaking to it.

The bot runs either in this process (the same wiring as `etiket run`, for speed)
or as a real `etiket run` child process. People act through the control API.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.emulator import create_emulator_app
from bot.app import App, build_app
from bot.config import load_settings
from tests.e2e.control import Emulator, eventually


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class EmulatorServer:
    url: str
    token: str
    app: web.Application
    control: Emulator

    def api_url(self, platform: str) -> str:
        return f"{self.url}/method/" if platform == "vk" else self.url

    async def bot_is_listening(self) -> None:
        """Wait until the bot polls for updates: what happened before is not delivered."""

        async def polling() -> bool:
            calls = await self.control.calls()
            return any(
                "getLongPollServer" in c["method"] or "updates" in c["method"] for c in calls
            )

        await eventually(polling, timeout=20)


@pytest.fixture(params=["vk", "max"])
def platform(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def emulator(platform: str) -> AsyncIterator[EmulatorServer]:
    app = create_emulator_app(platform, token="e2e-token")
    runner = web.AppRunner(app, shutdown_timeout=1.0)  # held long polls need not finish
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        server = EmulatorServer(url, "e2e-token", app, Emulator(url, session))
        yield server
        # The contract check of every scenario: the emulator accepts parameters the
        # official schema does not define (as the platforms do) but logs them, and the
        # adapter must never send one.
        unknown = [
            (c["method"], c["unknown_params"]) for c in await server.control.calls()
            if c.get("unknown_params")
        ]  # fmt: skip
    await runner.cleanup()
    assert not unknown, f"the adapter sent parameters the schema does not define: {unknown[:5]}"


def bot_settings(server: EmulatorServer, platform: str, tmp_path: Path, **extra: Any) -> Any:
    section = {"api_url": server.api_url(platform), "token": server.token}
    if platform == "vk":
        section["wait"] = 2
    else:
        section["timeout"] = 2
    extra.setdefault("web", {"enabled": False})  # tests bind no dashboard port unless asked
    return load_settings(
        None,
        platform=platform,
        database_url=f"sqlite:///{tmp_path / 'etiket.sqlite3'}",
        **{platform: section},
        **extra,
    )


@pytest.fixture
async def bot(emulator: EmulatorServer, platform: str, tmp_path: Path) -> AsyncIterator[App]:
    """The bot in this process, polling the emulator, until the test ends."""
    app = await build_app(bot_settings(emulator, platform, tmp_path))
    task = asyncio.create_task(app.runner.run(handle_signals=False))
    await asyncio.wait_for(app.runner.started.wait(), 10)
    await emulator.bot_is_listening()
    yield app
    app.runner.stop()
    await asyncio.wait_for(task, 30)


@pytest.fixture
async def etiket_run(tmp_path: Path) -> AsyncIterator[Any]:
    """Start `etiket run` as a child process; stopped with SIGTERM at the end."""
    procs: list[subprocess.Popen[str]] = []
    logs = []

    def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("ETIKET_")}
        full_env["ETIKET_DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.sqlite3'}"
        full_env["ETIKET_VK__WAIT"] = "2"
        full_env["ETIKET_MAX__TIMEOUT"] = "2"
        full_env["ETIKET_WEB__ENABLED"] = "false"  # no dashboard port in tests
        full_env.update(env or {})
        log = (tmp_path / f"etiket-run-{len(procs)}.log").open("w")
        logs.append(log)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        proc.log_path = Path(log.name)  # type: ignore[attr-defined]
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:  # waiting in a thread keeps the emulator (this loop) answering meanwhile
            await asyncio.to_thread(proc.wait, 20)
        except subprocess.TimeoutExpired:
            proc.kill()
            await asyncio.to_thread(proc.wait)
    for log in logs:
        log.close()


@pytest.fixture
async def school(emulator: EmulatorServer, platform: str, tmp_path: Path) -> AsyncIterator[Any]:
    """A chat with a teacher, a colleague and two students, and a bot on a fake clock
    that `school.start()` starts and restarts (tests/e2e/school.py, issue [4/11])."""
    from tests.e2e.school import School

    school = await School(emulator, platform, tmp_path).open()
    yield school
    await school.stop()
