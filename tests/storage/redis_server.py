"""A private `redis-server` that tests may kill and start again.

The shared Redis on 6379 serves every other test and is never stopped; degradation
tests run their own server on a free port, with no persistence, in a temporary
directory, so killing it loses everything the way a crashed Redis would.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

__all__ = ["RedisServer", "redis_server", "until"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until(
    condition: Callable[[], Awaitable[object]], timeout: float = 3.0, every: float = 0.02
) -> None:
    """Poll an async zero-argument `condition` until it is truthy; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not reached within {timeout}s", pytrace=False)
        await asyncio.sleep(every)


class RedisServer:
    """One `redis-server` process: `start`, `kill` (SIGKILL, like a crash), `start` again."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = _free_port()
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> Redis:
        return Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            self.binary,
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await until(self._answers, timeout=5.0)

    async def _answers(self) -> bool:
        if self._process is not None and self._process.returncode is not None:
            pytest.fail(f"redis-server on port {self.port} exited", pytrace=False)
        client = self.client()
        try:
            return bool(await client.ping())
        except (RedisError, OSError):
            return False
        finally:
            await client.aclose()

    async def kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
            await self._process.wait()
        self._process = None


@pytest.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[RedisServer]:
    """A running private Redis, killed at the end whatever state the test left it in."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not on PATH; the degradation tests start their own")
    server = RedisServer(binary, tmp_path)
    await server.start()
    try:
        yield server
    finally:
        await server.kill()
