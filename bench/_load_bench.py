"""The measuring half of bench/load.py: posting, waiting for the streams to drain,
timing, CPU accounting and the latency report. See bench/load.py for the phases."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from typing import Any

import aiohttp
import asyncpg

from bench._load_cluster import Cluster, Streams, cpu_used

PARTITIONS = 16
BACKLOG_VIOLATIONS = 0.03
STEADY_VIOLATIONS = 0.02


def say(line: str) -> None:
    print(line, flush=True)


class Bench:
    """Drives the emulator's `/bench/*` driver and reads the streams and the processes."""

    def __init__(self, http: aiohttp.ClientSession, base: str, cluster: Cluster, streams: Streams):
        self.http = http
        self.base = base
        self.cluster = cluster
        self.streams = streams
        self.posted = 0

    async def req(
        self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None
    ) -> Any:
        url = f"{self.base}{path}"
        async with self.http.request(method, url, json=body, params=params) as resp:
            answer = await resp.json(content_type=None)
            if resp.status >= 400:
                raise RuntimeError(f"{method} {path} -> {resp.status}: {answer}")
            return answer

    async def post(self, events: int, violations: float, label: str) -> dict[str, Any]:
        answer = await self.req(
            "POST", "/bench/post", {"events": events, "violations": violations, "label": label}
        )
        self.posted += events
        return dict(answer)

    async def balanced(self, workers: int, wait: float = 60.0) -> None:
        """Until every partition is held and the workers hold equal shares."""
        share = -(-PARTITIONS // workers)
        deadline = time.monotonic() + wait
        while True:
            self.cluster.check_alive()
            owners = await self.streams.owners()
            pids = {p.pid for p in self.cluster.workers}
            if (
                set(owners) == pids
                and sum(owners.values()) == PARTITIONS
                and max(owners.values()) <= share
            ):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"partitions not balanced: {owners}")
            await asyncio.sleep(0.1)

    async def drained(self, wait: float) -> tuple[float, float]:
        """Seconds until the receiver appended everything posted, and until all is acked."""
        start = time.perf_counter()
        intake = None
        while True:
            backlog, added = await self.streams.backlog_and_added()
            now = time.perf_counter() - start
            if intake is None and added >= self.posted:
                intake = now
            if intake is not None and backlog == 0:
                return intake, now
            if now > wait:
                raise RuntimeError(f"not drained: backlog {backlog}, appended {added}")
            self.cluster.check_alive()
            await asyncio.sleep(0.05)

    async def warned(self, label: str, wait: float) -> tuple[int, int]:
        deadline = time.monotonic() + wait
        while True:
            st = await self.req("GET", "/bench/status", params={"label": label})
            if st["warned"] >= st["violations"] or time.monotonic() > deadline:
                return st["violations"], st["warned"]
            await asyncio.sleep(0.1)

    async def warm_up(self, workers: int, chats: int, label: str) -> None:
        """Until the workers share the partitions and each knows its chats (untimed).

        With violations as in the backlogs, so that a worker has run the decision's
        statements (and prepared them on its pooled connections) before it is timed,
        as a worker that has been running for a while has.
        """
        await self.balanced(workers)
        await self.post(chats, BACKLOG_VIOLATIONS, f"{label}:warm-up")
        _, warm = await self.drained(wait=1800)
        say(
            f"{label}: warm-up, one event in each of {chats} chats: {warm:.1f}s, "
            f"{chats / warm:.0f}/s"
        )
        idle, cpu = await self.settle()
        say(f"{label}: workers idle {idle:.0f}s later ({cpu:.1f} CPU-s of deferred work)")

    async def settle(self, wait: float = 300.0) -> tuple[float, float]:
        """Until the workers are idle (under 10% of a core for two seconds running):
        seconds waited and the workers' CPU seconds meanwhile. What the workers defer
        (the messages-seen counters, written every 2 s) must not land in the next phase.
        """
        start, quiet = time.perf_counter(), 0
        first = last = await self.cluster.cpu()
        while quiet < 2 and time.perf_counter() - start < wait:
            await asyncio.sleep(1.0)
            now = await self.cluster.cpu()
            quiet = quiet + 1 if cpu_used(last, now).get("worker", 0.0) < 0.1 else 0
            last = now
        return time.perf_counter() - start, cpu_used(first, last).get("worker", 0.0)

    async def vacuum(self) -> None:
        """VACUUM (ANALYZE) the bench's database before a timed phase (untimed).

        Production PostgreSQL runs autovacuum; this machine's has it off. The outbox
        (`platform_actions`) changes rows several times per call, and unvacuumed, each
        claim of due calls read every dead index entry left since the start: 10,000
        per claim after two backlog rounds, PostgreSQL's CPU per event sevenfold.
        """
        conn = await asyncpg.connect(self.cluster.database_url)
        try:
            await conn.execute("VACUUM (ANALYZE)")
        finally:
            await conn.close()

    async def autovacuum(self) -> str:
        conn = await asyncpg.connect(self.cluster.database_url)
        try:
            return str(await conn.fetchval("SHOW autovacuum"))
        finally:
            await conn.close()

    async def throughput(self, events: int, label: str) -> tuple[float, float, float]:
        """Post a backlog at once and time it until the receiver appended it and all is
        acknowledged; returns (events/s, cores this bench's processes kept busy, cores
        the workers kept busy)."""
        await self.vacuum()
        workers = len(self.cluster.workers)
        calls = await self.req("GET", "/bench/calls")
        before = await self.cluster.cpu()
        posted = await self.post(events, BACKLOG_VIOLATIONS, label)
        t0 = time.perf_counter()
        intake, seconds = await self.drained(wait=1800)
        used = cpu_used(before, await self.cluster.cpu())
        worker_cores = used.get("worker", 0.0) / seconds
        cores = self.cpu_report(label, used, seconds, events)
        violations, warned = await self.warned(label, wait=120)
        warned_s = time.perf_counter() - t0
        idle, cpu = await self.settle()
        methods = (await self.req("GET", f"/bench/calls?since={calls['head']}"))["methods"]
        eps = events / seconds
        say(
            f"{label}: {events} events ({posted['violations']} obscene) with {workers} "
            f"worker(s): drained in {seconds:.1f}s = {eps:.0f} events/s; receiver's intake "
            f"done at {intake:.1f}s; {warned}/{violations} warnings, the last at {warned_s:.1f}s"
        )
        busy = seconds + max(idle - 2, 0.0)  # settle() ends after 2 quiet seconds
        say(
            f"{label}: after the drain the workers went on for {idle - 2:.0f}s more with "
            f"{cpu:.1f} CPU-s (mostly flushing the messages-seen counters); counted until "
            f"they were idle, {events / busy:.0f} events/s"
        )
        say(f"{label}: API calls {json.dumps(methods, ensure_ascii=False)}")
        return eps, cores, worker_cores

    @staticmethod
    def cpu_report(label: str, used: dict[str, float], seconds: float, events: int) -> float:
        """Say what each process used; returns the cores the bench's processes kept busy."""
        machine = used.pop("machine", 0.0)
        parts = [
            f"{kind} {cpu:.1f}s ({cpu / seconds:.2f} cores, {cpu * 1000 / events:.2f} ms/event)"
            for kind, cpu in sorted(used.items(), key=lambda kv: -kv[1])
        ]
        others = machine - sum(used.values())
        say(f"{label}: CPU over {seconds:.1f}s: " + ", ".join(parts))
        say(
            f"{label}: machine busy {machine / seconds:.2f} of {os.cpu_count()} cores, "
            f"{max(others, 0.0) / seconds:.2f} of them outside this bench (other work, kernel)"
        )
        return sum(used.values()) / seconds

    async def latency(self, rate: float, seconds: float, label: str) -> list[float]:
        await self.settle()
        await self.vacuum()
        before = await self.cluster.cpu()
        await self.req(
            "POST",
            "/bench/steady",
            {"rate": rate, "seconds": seconds, "violations": STEADY_VIOLATIONS, "label": label},
        )
        while not (st := await self.req("GET", "/bench/status", params={"label": label}))["steady"][
            "done"
        ]:
            self.cluster.check_alive()
            await asyncio.sleep(1.0)
        self.posted += st["steady"]["posted"]
        self.cpu_report(
            label,
            cpu_used(before, await self.cluster.cpu()),
            st["steady"]["seconds"],
            st["steady"]["posted"],
        )
        await self.drained(wait=300)
        violations, warned = await self.warned(label, wait=60)
        result = await self.req("GET", "/bench/latency", params={"label": label})
        rows = result["violations"]
        ms = [row[-1] for row in rows]
        actual = st["steady"]["posted"] / st["steady"]["seconds"]
        say(
            f"{label}: {st['steady']['posted']} events in {st['steady']['seconds']:.1f}s "
            f"({actual:.0f}/s), {violations} obscene, {warned} warned, "
            f"{result['missing']} without a warning"
        )
        if ms:
            say(f"{label}: post -> warning ms {spread(ms)}, mean {statistics.fmean(ms):.1f}")
            await self.breakdown(label, rows)
        return ms

    async def breakdown(self, label: str, rows: list[list[Any]]) -> None:
        """Split each latency at the audit row's creation (the worker's decision)."""
        conn = await asyncpg.connect(self.cluster.database_url)
        try:
            found = await conn.fetch(
                "SELECT c.platform_chat_id, a.target_user_id, a.created_at FROM audit_log a "
                "JOIN chats c ON c.id = a.chat_id WHERE a.action = 'warn'"
            )
        finally:
            await conn.close()
        decided = {(r[0], r[1]): r[2].timestamp() for r in found}
        before, after = [], []
        for chat, user, posted, warned, _ in rows:
            at = decided.get((chat, user))
            if at is not None:
                before.append((at - posted) * 1000)
                after.append((warned - at) * 1000)
        if before:
            say(f"{label}: post -> decision (audit row made in the worker) ms {spread(before)}")
            say(f"{label}: decision -> warning in the emulator ms {spread(after)}")


def listed(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


def spread(values: list[float]) -> str:
    v = sorted(values)
    return " ".join(f"{name} {pct(v, p):.1f}" for name, p in PERCENTILES) + f" max {v[-1]:.1f}"


PERCENTILES = (("min", 0), ("p50", 50), ("p90", 90), ("p99", 99))


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    rank = max(1, -(-len(values) * p // 100))
    return values[int(rank) - 1]
