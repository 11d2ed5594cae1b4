"""One announcement to 1,000 chats through the outbox, on the VK and MAX emulators.

Each emulator runs in this process with its real per-token limit (VK 20 requests/s,
MAX 30). 1,000 chats are created through the control API and recorded in a SQLite
file; one announcement targets all of them (`*`). Timed: from `run_due` (the
fan-out transaction) until the `ActionRunner` has carried out every send.

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
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.emulator import create_emulator_app
from bench.outbound import control, free_port
from bot.actions import ActionRunner
from bot.announcements import parse_at
from bot.services.announcements import AnnouncementService, NewAnnouncement
from storage import Database
from storage.migrate import upgrade
from storage.repos import Chats
from storage.state import MemoryState

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
        err = c.get("error") or {}
        return err.get("error_code") == 6 or c.get("status") == 429 or err.get("code") == 429

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


async def bench(platform: str, chats: int, workdir: Path) -> dict[str, Any]:
    app = create_emulator_app(platform, token=TOKEN, rps_limit=LIMITS[platform])
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    url = await _database(platform, workdir)
    db = Database(url)
    adapter = _adapter(platform, base)
    try:
        async with aiohttp.ClientSession() as session:
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
            actions = ActionRunner(db, adapter, clock=lambda: run_at)  # the run's moment
            service.kick = actions.kick
            before = len((await control(session, base, "GET", "/calls"))["calls"])
            requests_before = adapter.queue.sent_requests
            start = time.perf_counter()
            await service.run_due(run_at)
            while await actions.process_due(limit=chats):
                pass
            seconds = time.perf_counter() - start
            await service.sync_delivery_outcomes()
            requests = adapter.queue.sent_requests - requests_before
            calls = (await control(session, base, "GET", "/calls"))["calls"][before:]
            errors = _rate_errors(calls)
            if platform == "vk":
                bound = (requests - 1) / LIMITS["vk"]
                single = await _single(adapter, refs[:SINGLE_SAMPLE]) * chats / SINGLE_SAMPLE
            else:
                bound, single = chats / LIMITS["max"], seconds
        print(f"{platform}: {chats} chats in {seconds:.2f}s, {requests} requests", file=sys.stderr)
        return {
            "chats": chats,
            "seconds": round(seconds, 2),
            "bound_seconds": round(bound, 2),
            "rate_limit_errors": errors,
            "single_send_seconds": round(single, 2),
        }
    finally:
        await adapter.close()
        await db.close()
        await runner.cleanup()


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
    asyncio.run(main(args.chats))
