"""The log: filters, scope of curators, case history, escaping, viewing recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import select

from storage.db import Database
from storage.models import AuditRecord
from storage.repos import AuditLog
from tests.web.helpers import EVIL, Seed, login

T1 = datetime(2025, 1, 1, tzinfo=UTC)


async def _client(aiohttp_client: Any, app: web.Application, user: str) -> Any:
    client = await aiohttp_client(app)
    assert await login(client, user) == 302
    return client


async def test_admin_sees_every_chat_and_names_are_escaped(
    aiohttp_client: Any, app: web.Application
) -> None:
    client = await _client(aiohttp_client, app, "admin")
    html = await (await client.get("/")).text()
    assert "5А родители" in html and "6Б родители" in html
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "obscene — " in html  # rule code and title
    assert "remove: pending" in html  # platform outcome from the outbox


async def test_filters_narrow_the_log(
    aiohttp_client: Any, app: web.Application, seeded: Seed
) -> None:
    client = await _client(aiohttp_client, app, "admin")
    html = await (await client.get("/", params={"rule": "insult"})).text()
    assert "оскорбление" in html and "мат в чате" not in html
    html = await (await client.get("/", params={"actor": "detector:flood"})).text()
    assert "detector:flood" in html and "оскорбление" not in html
    html = await (await client.get("/", params={"person": "101", "action": "void"})).text()
    assert "ошибка" in html and "мат в чате" not in html
    html = await (await client.get("/", params={"from": "2025-03-04"})).text()
    assert "Записей нет" in html
    assert (await client.get("/", params={"from": "yesterday"})).status == 400


async def test_keyset_pages(
    aiohttp_client: Any, app: web.Application, web_db: Database, seeded: Seed
) -> None:
    async with web_db.transaction() as s:
        for i in range(60):
            await AuditLog(s).append(
                action="warn", actor_kind="person", chat_id=seeded.chat_b, rule_code="flood",
                reason=f"row-{i:02d}", created_at=T1 + timedelta(minutes=i),
            )  # fmt: skip
    client = await _client(aiohttp_client, app, "admin")
    first = await (
        await client.get("/", params={"chat": str(seeded.chat_b), "rule": "flood"})
    ).text()
    assert "row-59" in first and "row-10" in first and "row-09" not in first
    link = first.split('id="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = await (await client.get(link)).text()
    assert "row-09" in second and "row-00" in second and "row-10" not in second
    assert 'id="next"' not in second


async def test_curator_sees_only_their_class(
    aiohttp_client: Any, app: web.Application, seeded: Seed
) -> None:
    client = await _client(aiohttp_client, app, "curator")
    html = await (await client.get("/")).text()
    assert "5А родители" in html and "6Б родители" not in html
    assert (await client.get("/", params={"chat": str(seeded.chat_b)})).status == 403
    assert (await client.get(f"/case/{seeded.chat_b}/1")).status == 404
    assert (await client.get("/log.csv", params={"chat": str(seeded.chat_b)})).status == 403
    assert (await client.get("/roster")).status == 403
    assert (await client.get("/announcements")).status == 403
    assert (await client.get(f"/case/{seeded.chat_a}/1")).status == 200


async def test_case_page_shows_the_history(
    aiohttp_client: Any, app: web.Application, seeded: Seed
) -> None:
    client = await _client(aiohttp_client, app, "admin")
    html = await (await client.get(f"/case/{seeded.chat_a}/2")).text()  # the void
    assert "мат в чате" in html and "ошибка" in html and "=HYPERLINK" not in html
    assert (await client.get(f"/case/{seeded.chat_a}/99")).status == 404


async def test_every_viewing_is_an_audit_row(
    aiohttp_client: Any, app: web.Application, web_db: Database, seeded: Seed
) -> None:
    client = await _client(aiohttp_client, app, "curator")
    await client.get("/", params={"person": "101"})
    await client.get(f"/case/{seeded.chat_a}/1")
    await client.get("/log.csv")
    async with web_db.transaction() as s:
        stmt = select(AuditRecord).where(AuditRecord.actor_id == "dashboard:curator")
        rows = list((await s.execute(stmt.order_by(AuditRecord.id))).scalars())
    assert [r.action for r in rows] == ["viewed", "viewed", "exported"]
    assert rows[0].target_user_id == "101" and "person=101" in (rows[0].reason or "")
    assert all(r.chat_id is None and r.case_number is None for r in rows)
    html = await (await client.get("/")).text()
    assert "dashboard:curator" not in html  # viewings stay out of the default log
