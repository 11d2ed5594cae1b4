"""One announcement to 1,000 chats through the outbox, on the VK and MAX emulators.

Each emulator runs as its own process (`etiket emulator`), with its real per-token
limit (VK 20 requests/s, MAX 30), as the platform runs on its own servers: in this
process its thousand chats and call log doubled the heap the bot's garbage
collector walks (a 0.1 s pause mid-fan-out) and its request handling shared the
bot's event loop. 1,000 chats are created through the control API and recorded in
a SQLite file; one announcement targets all of them (`*`). The `ActionRunner` runs
its loop as in the bot, woken by the fan-out's kicks. Timed: from the moment the
run is due (`run_due` starts the fan-out) until the outcome of the last send is
recorded.

- `bound_seconds`, VK: (requests - 1) / 20 for the requests the adapter actually
  made (`execute` packs up to 25 sends in one); MAX: 1000 / 30.
- `rate_limit_errors`: error 6 (VK) or HTTP 429 (MAX) answers in the call log.
- `single_send_seconds`: VK, one `messages.send` request per chat, measured on
  100 chats and scaled to 1,000 (x10): what the fan-out costs without `execute`.
  MAX has no batching; its figure is the measured fan-out itself.

Last line: {"vk": {"chats", "seconds", "bound_seconds", "rate_limit_errors",
"single_send_seconds"}, "max": {...}}

    python bench/fanout.py [--chats 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from subprocess import DEVNULL
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.outbound import control, free_port
from bot.actions import ActionRunner
from bot.announcements import parse_at
from bot.services.announcements import AnnouncementService, NewAnnouncement
from storage import Database
from storage.migrate import upgrade
from storage.repos import Chats
from storage.state import MemoryState

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-fanout-token"
LIMITS = {"vk": 20, "max": 30}
SINGLE_SAMPLE = 100


def _adapter(platform: str, url: str) -> Any:
    if platform == "vk":
        from adapters.vk_messenger import VkAdapter

        return VkAdapter(TOKEN, limiter=MemoryState(), api_url=f"{url}/method/")
    from adapters.max_messenger import MaxAdapter

    return MaxAdapter(TOKEN, limiter=MemoryState(), api_url=url)


def _rate_errors(calls: list[dict[str, Any]]) -> int:
    def limited(c: dict[str, Any]) -> bool:
        err = c.get("error") or {}  # VK: {error_code: 6, ...}; MAX: {status: 429, code, ...}
        return err.get("error_code") == 6 or err.get("status") == 429

    return sum(1 for c in calls if limited(c))


async def _chats(session: aiohttp.ClientSession, base: str, n: int) -> list[str]:
    user = (await control(session, base, "POST", "/users", {"name": "Родитель"}))["user_id"]

    async def one(i: int) -> str:
        body = {"title": f"Класс {i}", "member_ids": [user], "bot_is_admin": True}
        return str((await control(session, base, "POST", "/chats", body))["chat_id"])

    refs: list[str] = []
    for start in range(0, n, 100):
        refs += await asyncio.gather(*(one(i) for i in range(start, min(n, start + 100))))
    return refs


async def _single(adapter: Any, refs: list[str]) -> float:
    start = time.perf_counter()
    await asyncio.gather(
        *(
            adapter.call(
                "messages.send",
                {"peer_ids": int(r), "random_id": 10_000 + i, "message": "single"},
                batchable=False,
            )
            for i, r in enumerate(refs)
        )
    )
    return time.perf_counter() - start


PG = "postgresql://postgres@127.0.0.1:5432"
USE_PG = False


async def _database(platform: str, workdir: Path) -> str:
    """A fresh SQLite file, or with --postgres a fresh PostgreSQL database."""
    if not USE_PG:
        url = f"sqlite:///{workdir / f'{platform}.sqlite3'}"
    else:
        import asyncpg

        name = f"etiket_bench_{platform}_{int(time.time())}"
        conn = await asyncpg.connect(f"{PG}/test")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        url = f"{PG}/{name}"
    await upgrade(url)
    return url


@contextlib.asynccontextmanager
async def _emulator(platform: str) -> AsyncIterator[str]:
    """`etiket emulator` in a child process, at its live limit; yields its base URL."""
    port = free_port()
    args = ["-m", "bot", "emulator", "--platform", platform, "--port", str(port)]
    child = await asyncio.create_subprocess_exec(
        sys.executable, *args, "--token", TOKEN, cwd=ROOT, stdout=DEVNULL, stderr=DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                with contextlib.suppress(aiohttp.ClientError):
                    await control(session, base, "GET", "/token")
                    break
                await asyncio.sleep(0.05)
        yield base
    finally:
        child.terminate()
        await child.wait()


async def bench(platform: str, chats: int, workdir: Path) -> dict[str, Any]:
    url = await _database(platform, workdir)
    db = Database(url)
    async with _emulator(platform) as base, aiohttp.ClientSession() as session:
        adapter = _adapter(platform, base)
        try:
            return await _measure(platform, chats, db, adapter, session, base)
        finally:
            await adapter.close()
            await db.close()


async def _measure(
    platform: str,
    chats: int,
    db: Database,
    adapter: Any,
    session: aiohttp.ClientSession,
    base: str,
) -> dict[str, Any]:
    refs = await _chats(session, base, chats)
    async with db.transaction() as s:
        for ref in refs:
            chat = await Chats(s).get_or_create(platform, ref, title=ref)
            await Chats(s).set_tags(chat, ["bench"])
    service = AnnouncementService(db, platform=platform)
    ann = await service.create(
        NewAnnouncement("Объявление", ("bench",), parse_at("2030-01-01 12:00"), "UTC")
    )
    run_at = ann.next_run_at
    assert run_at is not None
    began = time.monotonic()  # the runner's clock: the run's moment, then real time

    def clock() -> datetime:
        return run_at + timedelta(seconds=time.monotonic() - began)

    actions = ActionRunner(db, adapter, clock=clock)
    service.kick = actions.kick
    before = (await control(session, base, "GET", "/calls"))["next"]
    requests_before = adapter.queue.sent_requests
    actions.start()
    await asyncio.sleep(0.2)  # its start-up look at the outbox: idle when the run is due
    # Setting up a thousand chats (control API, ORM rows) left garbage a full collection
    # would walk in the middle of the run: a 0.1 s pause that belongs to the bench.
    gc.collect()
    start = time.perf_counter()
    await service.run_due(run_at)
    deadline = time.perf_counter() + 120
    while actions.recorded < chats:  # done or failed, committed
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{actions.recorded} of {chats} sends recorded after 120 s")
        await asyncio.sleep(0.002)
    seconds = time.perf_counter() - start
    await actions.stop()
    await service.sync_delivery_outcomes()
    requests = adapter.queue.sent_requests - requests_before
    calls = (await control(session, base, "GET", f"/calls?since={before}"))["calls"]
    errors = _rate_errors(calls)
    if platform == "vk":
        bound = (requests - 1) / LIMITS["vk"]
        single = await _single(adapter, refs[:SINGLE_SAMPLE]) * chats / SINGLE_SAMPLE
    else:
        bound, single = chats / LIMITS["max"], seconds
    print(
        f"{platform}: {chats} chats in {seconds:.2f}s, {requests} requests, "
        f"{actions.failed} sends failed",
        file=sys.stderr,
    )
    return {
        "chats": chats,
        "seconds": round(seconds, 2),
        "bound_seconds": round(bound, 2),
        "rate_limit_errors": errors,
        "single_send_seconds": round(single, 2),
    }


async def main(chats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = {p: await bench(p, chats, Path(tmp)) for p in ("vk", "max")}
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL, not SQLite")
    args = parser.parse_args()
    USE_PG = args.postgres
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(levelname)s %(message)s")
    asyncio.run(main(args.chats))
