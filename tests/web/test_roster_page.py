"""The roster page shows the latest sync's whole plan and its removals' outcomes."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import delete

from bot.moderation.roster import ClassChange, Removal, Retag, RosterRow, SyncPlan
from bot.services.roster import apply_plan
from storage.db import Database
from storage.models import RosterSync
from storage.repos import Outbox
from tests.web.helpers import EVIL, Seed, csrf_of, login

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _plan(seeded: Seed) -> SyncPlan:
    a = seeded.chat_a
    return SyncPlan(
        departures=(RosterRow("s9", EVIL, "student", "5А", vk_user_id="103"),),
        arrivals=(RosterRow("s10", "Новикова Анна", "student", "6Б", vk_user_id="104"),),
        class_changes=(
            ClassChange("s11", "Петров Пётр", "5А", "6Б", moved_with_class=False),
            ClassChange("s12", "Сидорова Ольга", "5А", "6А", moved_with_class=True),
        ),
        retags=(Retag(a, ("5А",), ("6А",)),),
        removals=(
            Removal("s9", EVIL, a, "vk", "2000000001", "103", "departed", "s9"),
            Removal("p1", EVIL, a, "vk", "2000000001", "101", "parent_of_departed", "s9"),
            Removal("s11", "Петров Пётр", a, "vk", "2000000001", "105", "class_change", "s11"),
        ),
        unverified=(a,),
    )


async def _page(client: Any) -> str:
    response = await client.get("/roster")
    assert response.status == 200
    return str(await response.text())


def _table(html: str, table_id: str) -> str:
    return html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]


async def test_the_whole_plan_and_each_outcome(
    aiohttp_client: Any, app: web.Application, web_db: Database, seeded: Seed
) -> None:
    client = await aiohttp_client(app)
    assert await login(client, "admin") == 302
    assert "Сверок списка ещё не было." in await _page(client)
    await apply_plan(web_db, SyncPlan(arrivals=(RosterRow("x", "X", "staff"),)), "oldsync0")
    keys = await apply_plan(web_db, _plan(seeded), "sync5678", actor_id="102")
    async with web_db.transaction() as s:
        outbox = Outbox(s)
        done, failed, _ = [await outbox.by_key(k) for k in keys]
        assert done is not None and failed is not None
        await outbox.complete(done.id)
        await outbox.fail(failed.id, f"NotAdmin: {EVIL}")
    html = await _page(client)
    assert '<code id="sync-id">sync5678</code>' in html and "oldsync0" not in html
    assert ", кем Иванова Мария (102)" in html and EVIL not in html  # `/выбыл` by p2
    departures = _table(html, "sync-departures")
    assert "Выбывают (1)" in html and "s9" in departures and ESCAPED in departures
    arrivals = _table(html, "sync-arrivals")
    assert "Прибывают (1)" in html and "Новикова Анна" in arrivals and "6Б" in arrivals
    moves = _table(html, "sync-class-changes")
    assert "Меняют класс (2)" in html and moves.count("<tr>") == 3  # the header and two
    assert "Сидорова Ольга" in moves and "6А (весь класс)" in moves
    assert "6Б (весь класс)" not in moves
    retags = _table(html, "sync-retags")
    assert "5А родители" in retags and "<td>5А</td><td>6А</td>" in retags
    removals = _table(html, "sync-removals")
    assert "Исключения из чатов (3)" in html and removals.count("<tr class=") == 3
    rows = {r.split('"')[0]: r for r in removals.split('<tr class="outcome-')[1:]}
    assert set(rows) == {"done", "failed", "pending"}
    assert "выбыл(а)" in rows["done"]
    assert f"родитель выбывшего ({ESCAPED})" in rows["failed"]
    assert f"NotAdmin: {ESCAPED}" in rows["failed"]
    assert "перевод в другой класс" in rows["pending"]
    assert "2000000001" in html.split('id="sync-unverified"')[1].split("</p>")[0]
    token = csrf_of(html)
    await client.post("/lang", data={"to": "en", "csrf": token, "next": "/roster"})
    english = await _page(client)
    assert "Arrivals (1)" in english and "Class moves (2)" in english
    assert "Removals from chats (3)" in english and "whole class" in english


async def test_a_sync_from_before_the_plan_was_stored(
    aiohttp_client: Any, app: web.Application, web_db: Database, seeded: Seed
) -> None:
    await apply_plan(web_db, _plan(seeded), "sync0006")
    async with web_db.transaction() as s:  # what a sync applied under migration 0006 left
        await s.execute(delete(RosterSync))
    client = await aiohttp_client(app)
    assert await login(client, "admin") == 302
    html = await _page(client)
    assert '<code id="sync-id">sync0006</code>' in html and 'id="sync-plan-lost"' in html
    assert _table(html, "sync-removals").count("<tr class=") == 3
    assert 'id="sync-arrivals"' not in html and EVIL not in html


async def test_a_sync_that_changed_nothing(
    aiohttp_client: Any, app: web.Application, web_db: Database, seeded: Seed
) -> None:
    await apply_plan(web_db, SyncPlan(), "nothing0")
    client = await aiohttp_client(app)
    assert await login(client, "admin") == 302
    html = await _page(client)
    assert '<code id="sync-id">nothing0</code>' in html and "Изменений не было." in html


async def test_curators_do_not_see_the_roster(
    aiohttp_client: Any, app: web.Application, web_db: Database, seeded: Seed
) -> None:
    """The roster names every class: administrators only, as the rest of the page."""
    await apply_plan(web_db, _plan(seeded), "sync5678")
    client = await aiohttp_client(app)
    assert await login(client, "curator") == 302
    response = await client.get("/roster")
    assert response.status == 403 and "sync5678" not in await response.text()
