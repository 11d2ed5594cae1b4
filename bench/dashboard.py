"""Dashboard log pages at 1,000,000 audit rows in PostgreSQL, through the real app.

Makes a fresh database `etiket_bench_<hex>` (dropped at the end), migrates it, fills
`audit_log` with one `INSERT ... SELECT generate_series` (200 chats, 7 rules, a mix of
actions and detectors over a year), signs in and times log pages: the first page and
deep keyset pages (following "next" links), with and without filters. Prints a JSON
line last: {"rows": 1000000, "page_ms_p50": x, "page_ms_p99": y}. Bar: < 300 ms.

    .venv/bin/python bench/dashboard.py [--rows 1000000] [--url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

import asyncpg
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from bot.web import create_web_app
from storage.db import Database
from storage.migrate import upgrade
from storage.repos import DashboardUsers

ADMIN_URL = os.environ.get("ETIKET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
FILL = """
INSERT INTO schools (name, time_zone) VALUES ('bench', 'Europe/Moscow');
INSERT INTO chats (platform, platform_chat_id, title, school_id, bot_is_admin, created_at)
SELECT 'vk', (2000000000 + g)::text, 'chat ' || g, 1, true, now() FROM generate_series(1, 200) g;
INSERT INTO audit_log (chat_id, case_number, created_at, actor_kind, actor_id, detector_name,
                       target_user_id, action, rule_code, reason)
SELECT 1 + g % 200,
       g / 200 + 1,
       timestamptz '2025-01-01' + (g * interval '31 seconds'),
       CASE WHEN g % 3 = 0 THEN 'detector' ELSE 'person' END,
       CASE WHEN g % 3 = 0 THEN NULL ELSE (500 + g % 40)::text END,
       CASE WHEN g % 3 = 0 THEN (ARRAY['obscene','flood','personal_data'])[1 + g % 3 / 1 % 3] END,
       (1000 + g % 20000)::text,
       (ARRAY['warn','warn','warn','delete','block','void','remove','false_positive'])[1 + g % 8],
       (ARRAY['obscene','insult','unlawful','personal_data','flood','foreign_messenger',
              'account_sharing'])[1 + g % 7],
       'reason ' || g
FROM generate_series(1, {rows}) g;
ANALYZE audit_log;
"""
CASES = {
    "all": {},
    "chat": {"chat": "17"},
    "rule": {"rule": "insult"},
    "action": {"action": "block"},
    "person": {"person": "1234"},
    "chat+rule": {"chat": "42", "rule": "flood"},
    "dates": {"from": "2025-03-01", "to": "2025-06-30"},
}


def _dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _admin(url: str, sql: str) -> None:
    connection = await asyncpg.connect(_dsn(url))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _time_pages(client: TestClient, params: dict[str, str], depth: int) -> list[float]:  # type: ignore[type-arg]
    timings = []
    url: str | None = "/?" + "&".join(f"{k}={v}" for k, v in params.items())
    for _ in range(depth):
        if url is None:
            break
        started = time.perf_counter()
        response = await client.get(url)
        html = await response.text()
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, html[:200]
        found = re.search(r'id="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    return timings


async def main(rows: int, admin_url: str, depth: int) -> dict[str, float]:
    name = f"etiket_bench_{uuid.uuid4().hex[:10]}"
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    url = _dsn(admin_url, name)
    try:
        await upgrade(url)
        started = time.perf_counter()
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(FILL.format(rows=rows))
        finally:
            await connection.close()
        print(f"filled {rows} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        db = Database(url)
        async with db.transaction() as session:
            await DashboardUsers(session).add(
                username="admin", password_hash=HASHER.hash("bench-password"), role="administrator"
            )
        app = create_web_app(Settings(database_url=url), db, hasher=HASHER)
        client = TestClient(TestServer(app))
        await client.start_server()
        try:
            login = await client.get("/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', await login.text())
            assert csrf is not None
            form = {"username": "admin", "password": "bench-password", "csrf": csrf.group(1)}
            await client.post("/login", data=form)
            await _time_pages(client, {}, 3)  # warm the pool and caches
            timings: list[float] = []
            for label, params in CASES.items():
                case = await _time_pages(client, params, depth)
                timings += case
                print(f"{label:10s} pages={len(case):3d} p50={statistics.median(case):6.1f} ms "
                      f"max={max(case):6.1f} ms", file=sys.stderr)  # fmt: skip
        finally:
            await client.close()
            await db.close()
    finally:
        await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    return {"rows": rows, "page_ms_p50": round(statistics.median(timings), 1),
            "page_ms_p99": round(p99, 1)}  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--depth", type=int, default=40, help="pages followed per filter")
    parser.add_argument("--url", default=ADMIN_URL, help="PostgreSQL server (any database)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.rows, args.url, args.depth))))
