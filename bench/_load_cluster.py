"""The processes of bench/load.py: its own Redis, a fresh PostgreSQL database, the
emulator (bench/_load_emulator.py), one receiver and the workers.

The etiket processes are `python -m bot run --role ...` configured only through
`ETIKET_*` variables, as an operator runs them. Peak RSS is each process's VmHWM.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from redis.asyncio import Redis
from redis.exceptions import RedisError

from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("ETIKET_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
TICK = os.sysconf("SC_CLK_TCK")
PREFIX = "etiket:"  # the app's fixed key prefix (storage.state.DEFAULT_PREFIX)


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_busy() -> float:
    """CPU seconds all cores spent outside idle and iowait since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK


async def until_port(port: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


@asynccontextmanager
async def redis_server(workdir: Path) -> AsyncIterator[tuple[str, int]]:
    """A redis-server of our own, persisting as production would (AOF, fsync each second).

    On a unix socket, not a TCP port: on a shared machine a port picked as free can be
    taken by someone else's server first, and the bench would then write to theirs.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed")
    sock = workdir / "redis.sock"
    proc = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
        [binary, "--port", "0", "--unixsocket", str(sock), "--dir", str(workdir),
         "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"unix://{sock}?db=0"
    try:
        client = Redis.from_url(url)
        try:
            for _ in range(300):
                with contextlib.suppress(OSError, RedisError):
                    info = await client.info("server")
                    if int(info["process_id"]) != proc.pid:
                        raise RuntimeError("another redis-server answers on our socket")
                    break
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError("redis-server did not start")
        finally:
            await client.aclose()
        yield url, proc.pid
    finally:
        proc.terminate()
        await asyncio.to_thread(proc.wait, 10)


async def backends(database_url: str) -> list[int]:
    """PostgreSQL server processes serving our database now."""
    name = database_url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(f"{PG}/test")
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", name)
    finally:
        await conn.close()
    return [int(r["pid"]) for r in rows]


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """A new, migrated PostgreSQL database, dropped afterwards."""
    name = f"etiket_bench_load_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{PG}/test")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = f"{PG}/{name}"
    try:
        await upgrade(url)
        yield url
    finally:
        admin = await asyncpg.connect(f"{PG}/test")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@dataclass
class Cluster:
    """One receiver and its workers; `peaks` keeps every stopped process's VmHWM."""

    workdir: Path
    database_url: str
    redis_url: str
    emulator_url: str
    token: str
    rate: float
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    receiver: subprocess.Popen[bytes] | None = None
    peaks: dict[str, float] = field(default_factory=dict)
    log_level: str = "WARNING"
    profile: Path | None = None
    """cProfile every worker into this directory (written when the worker stops)."""
    others: dict[str, int] = field(default_factory=dict)
    """Processes that serve the bench but are not etiket's: the emulator, redis-server."""
    _spawned: int = 0

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ETIKET_")}
        env.update({
            "ETIKET_PLATFORM": "vk",
            "ETIKET_DATABASE_URL": self.database_url,
            "ETIKET_REDIS_URL": self.redis_url,
            "ETIKET_VK__API_URL": f"{self.emulator_url}/method/",
            "ETIKET_VK__TOKEN": self.token,
            "ETIKET_VK__RATE": str(self.rate),
            "ETIKET_WEB__ENABLED": "false",
            "ETIKET_AUTO_MIGRATE": "false",
            "ETIKET_LOG_LEVEL": self.log_level,
        })  # fmt: skip
        return env

    def _spawn(
        self, role: str, name: str, wrap: list[str] | None = None
    ) -> subprocess.Popen[bytes]:
        self._spawned += 1
        log = (self.workdir / f"{name}-{self._spawned}.log").open("wb")
        cmd = [*(wrap or [sys.executable]), "-m", "bot", "run", "--role", role]
        try:
            return subprocess.Popen(cmd, env=self.env(), cwd=ROOT, stdout=log, stderr=log)
        finally:
            log.close()

    def start_receiver(self) -> None:
        self.receiver = self._spawn("receiver", "receiver")

    def start_workers(self, n: int) -> None:
        for _ in range(n):
            wrap = None
            if self.profile is not None:
                out = self.profile / f"worker-{self._spawned + 1}.prof"
                wrap = [sys.executable, "-m", "cProfile", "-o", str(out)]
            self.workers.append(self._spawn("worker", "worker", wrap))

    def rss(self) -> dict[str, float]:
        """Peak RSS of each etiket process so far, running or stopped."""
        now = dict(self.peaks)
        live = [("receiver", self.receiver)] if self.receiver else []
        live += [(f"worker-{p.pid}", p) for p in self.workers]
        for name, proc in live:
            with contextlib.suppress(OSError):
                now[name] = max(now.get(name, 0.0), peak_rss_mib(proc.pid))
        return now

    async def cpu(self) -> dict[str, float]:
        """CPU seconds so far per process, keyed `kind:pid` (postgres: our database's)."""
        procs = {f"worker:{p.pid}": p.pid for p in self.workers}
        if self.receiver is not None:
            procs[f"receiver:{self.receiver.pid}"] = self.receiver.pid
        procs.update({f"{name}:{pid}": pid for name, pid in self.others.items()})
        procs.update({f"postgres:{pid}": pid for pid in await backends(self.database_url)})
        procs[f"bench:{os.getpid()}"] = os.getpid()
        out = {key: cpu_seconds(pid) for key, pid in procs.items()}
        out["machine:0"] = machine_busy()
        return out

    async def stop_workers(self, keep: int = 0) -> None:
        """SIGTERM every worker but the `keep` oldest: they leave their partitions."""
        self.peaks = self.rss()
        leaving, self.workers = self.workers[keep:], self.workers[:keep]
        for proc in leaving:
            proc.send_signal(signal.SIGTERM)
        for proc in leaving:
            try:
                await asyncio.to_thread(proc.wait, 30)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait)

    async def stop(self) -> None:
        await self.stop_workers()
        if self.receiver is not None:
            self.peaks = self.rss()
            self.receiver.terminate()
            await asyncio.to_thread(self.receiver.wait, 30)
            self.receiver = None

    def check_alive(self) -> None:
        procs = [*self.workers, *([self.receiver] if self.receiver else [])]
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            raise RuntimeError(f"an etiket process exited early; logs in {self.workdir}")


class Streams:
    """What the bench reads from the event streams: backlog, intake, partition owners."""

    def __init__(self, client: Redis, partitions: int = 16) -> None:
        self.client = client
        self.partitions = partitions

    async def backlog_and_added(self) -> tuple[int, int]:
        """Entries not yet acknowledged, and entries the receiver ever appended."""
        async with self.client.pipeline(transaction=False) as pipe:
            for i in range(self.partitions):
                pipe.xlen(f"{PREFIX}events:{i}")
                pipe.xinfo_stream(f"{PREFIX}events:{i}")
            answers = await pipe.execute(raise_on_error=False)
        backlog = sum(int(n) for n in answers[0::2] if isinstance(n, int))
        added = sum(
            int(info.get("entries-added") or 0) for info in answers[1::2] if isinstance(info, dict)
        )
        return backlog, added

    async def owners(self) -> dict[int, int]:
        """Partitions held per worker pid (read from the lease holders' names)."""
        keys = [f"{PREFIX}partition:{i}" for i in range(self.partitions)]
        held: dict[int, int] = {}
        for value in await self.client.mget(keys):
            if value:
                name = value.decode() if isinstance(value, bytes) else str(value)
                pid = int(name.split("-")[-2])  # host-pid-hex:token
                held[pid] = held.get(pid, 0) + 1
        return held


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds per kind of process between two `Cluster.cpu()` readings."""
    used: dict[str, float] = {}
    for key, value in after.items():
        kind = key.split(":")[0]
        used[kind] = used.get(kind, 0.0) + value - before.get(key, 0.0)
    return used
