"""A scaled-out etiket on this machine: its own Redis, a PostgreSQL database, the
VK emulator in the test's process, one receiver and N worker processes.

Used by the crash and fault tests (issue [11/11]). Processes are real `etiket run
--role ...` children configured only through `ETIKET_*` variables, as an operator
would run them; the test kills them with SIGKILL and restarts them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from aiohttp import web
from sqlalchemy.engine import make_url

from adapters.emulator import create_emulator_app
from adapters.emulator.hub import HUB
from storage.migrate import upgrade
from tests.e2e.conftest import free_port

POSTGRES_URL = os.environ.get(
    "ETIKET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TOKEN = "cluster-token"


class RedisServer:
    """A redis-server of the test's own, with an append-only file so it can restart."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (Debian package redis-server)"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        await _until_port(self.port)

    async def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            await asyncio.to_thread(self.proc.wait, 10)
            self.proc = None


async def _until_port(port: int, timeout: float = 15.0) -> None:
    async def attempt() -> None:
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.05)

    await asyncio.wait_for(attempt(), timeout)


@asynccontextmanager
async def fresh_database(server_url: str = POSTGRES_URL) -> AsyncIterator[str]:
    """A new, migrated database on `server_url`'s server, dropped afterwards."""
    name = f"etiket_cluster_{uuid.uuid4().hex[:10]}"
    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn, timeout=10)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        await upgrade(url)
        yield url
    finally:
        admin = await asyncpg.connect(dsn, timeout=10)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@dataclass
class Cluster:
    """The processes of one deployment and the emulator they talk to."""

    workdir: Path
    database_url: str
    redis_url: str
    emulator_url: str
    app: web.Application
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    receiver: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0

    @property
    def hub(self) -> Any:
        return self.app[HUB]

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ETIKET_")}
        env.update({
            "ETIKET_PLATFORM": "vk",
            "ETIKET_DATABASE_URL": self.database_url,
            "ETIKET_REDIS_URL": self.redis_url,
            "ETIKET_VK__API_URL": f"{self.emulator_url}/method/",
            "ETIKET_VK__TOKEN": TOKEN,
            "ETIKET_VK__WAIT": "2",
            "ETIKET_WEB__ENABLED": "false",
            "ETIKET_AUTO_MIGRATE": "false",
            "ETIKET_LOG_LEVEL": "WARNING",
            "ETIKET_SCALE__SHARED_CLOCK": "true",
            "ETIKET_SCALE__LEASE_TTL": "2",
            "ETIKET_SCALE__CLAIM_IDLE": "2",
            "ETIKET_SCALE__LEADER_TTL": "2",
            "ETIKET_SCALE__TICK": "0.5",
            "ETIKET_SCALE__ACTION_LEASE": "10",
        })  # fmt: skip
        env.update(self.extra_env)
        return env

    def _spawn(self, role: str, name: str) -> subprocess.Popen[bytes]:
        self.starts += 1
        log = (self.workdir / f"{name}-{self.starts}.log").open("wb")
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--role", role],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()

    def start_receiver(self) -> None:
        self.receiver = self._spawn("receiver", "receiver")

    def start_worker(self, index: int) -> None:
        self.workers[index] = self._spawn("worker", f"worker{index}")

    def kill_worker(self, index: int) -> None:
        """SIGKILL: no shutdown hook runs, leases and pending entries are left behind."""
        proc = self.workers.pop(index)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        self.kills += 1

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.workdir.glob("*.log"))
        )

    async def stop(self) -> None:
        procs = [*self.workers.values(), *([self.receiver] if self.receiver else [])]
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
        for proc in procs:
            try:
                await asyncio.to_thread(proc.wait, 20)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait)
        self.workers.clear()
        self.receiver = None


@asynccontextmanager
async def emulator(
    rps_limit: int | str | None = "live",
) -> AsyncIterator[tuple[str, web.Application]]:
    app = create_emulator_app("vk", token=TOKEN, rps_limit=rps_limit)  # type: ignore[arg-type]
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        await runner.cleanup()
