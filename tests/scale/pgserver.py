"""A PostgreSQL server of the test's own, so a test can stop and restart it.

The shared server on 5432 must never go down under other tests; the fault test
(issue [11/11]) restarts this one instead. `initdb` runs into a fresh directory
with trust authentication, the server listens on a free port of 127.0.0.1 and
keeps its unix socket in that directory. PostgreSQL refuses to run as root, so as
root every binary runs as the `postgres` user (`runuser`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Literal

import asyncpg

from storage.migrate import upgrade
from tests.e2e.conftest import free_port

__all__ = ["PostgresServer", "postgres_server"]

BIN_DIR = Path(os.environ.get("ETIKET_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = "postgres"
StopMode = Literal["smart", "fast", "immediate"]


class PostgresServer:
    """One cluster in a temporary directory; `start()` runs `initdb` the first time."""

    def __init__(self, bin_dir: Path = BIN_DIR) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        # /tmp rather than pytest's tmp_path: the server's user must reach it.
        self.dir = Path(tempfile.mkdtemp(prefix="etiket-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.running = False
        self.restarts = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{OS_USER}@127.0.0.1:{self.port}/{database}"

    async def _run(self, binary: str, args: Sequence[str]) -> None:
        command = [str(self.bin_dir / binary), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", OS_USER, "--", *command]
        done = await asyncio.to_thread(
            subprocess.run, command, capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{binary} {' '.join(args)} failed: {done.stderr}\n{tail}")

    async def _initdb(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, OS_USER, OS_USER)
        await self._run(
            "initdb",
            ["-D", str(self.data), "-U", OS_USER, "--auth=trust", "-E", "UTF8",
             "--locale=C", "--no-sync", "--no-instructions"],
        )  # fmt: skip

    async def start(self) -> None:
        if not self.data.exists():
            await self._initdb()
        # fsync off: the test restarts the server process, it never loses the machine.
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        await self._run(
            "pg_ctl", ["start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log),
                       "-o", options],
        )  # fmt: skip
        self.running = True

    async def stop(self, mode: StopMode = "fast") -> None:
        """`fast` rolls back and disconnects clients; `immediate` is a crash (recovery on start)."""
        if self.running:
            self.running = False
            await self._run("pg_ctl", ["stop", "-w", "-t", "60", "-D", str(self.data), "-m", mode])

    async def restart(self, mode: StopMode = "immediate", down: float = 0.0) -> None:
        """Stop, stay away for `down` seconds, start again on the same port."""
        await self.stop(mode)
        await asyncio.sleep(down)
        await self.start()
        self.restarts += 1

    async def create_database(self, name: str = "etiket") -> str:
        """A new database, migrated to the latest revision; returns its URL."""
        admin = await asyncpg.connect(self.url(), timeout=10)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        url = self.url(name)
        await upgrade(url)
        return url

    async def cleanup(self) -> None:
        """Stop (as a crash: nothing to keep) and remove the directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self.running = True
                try:
                    await self.stop("immediate")
                except RuntimeError:
                    self._kill()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _kill(self) -> None:
        """The last resort when `pg_ctl stop` failed: SIGKILL our own postmaster."""
        with suppress(OSError, ValueError, IndexError):
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)


@asynccontextmanager
async def postgres_server() -> AsyncIterator[PostgresServer]:
    """A started server, stopped and removed afterwards whatever happens."""
    server = PostgresServer()
    try:
        await server.start()
        yield server
    finally:
        await server.cleanup()
