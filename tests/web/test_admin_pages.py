"""Announcements (create with preview, cancel) and the roster's latest sync."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select, update

from bot.moderation.roster.plan import Removal, SyncPlan
from bot.services.roster import apply_plan
from storage.db import Database
from storage.models import Announcement, AuditRecord
from storage.repos import Outbox
from tests.web.helpers import EVIL, Seed, csrf_of, login

FORM = {
    "text": f"Родительское собрание {EVIL}",
    "targets": "5А, 6Б, 9Я",
    "every": "mon,thu 08:00",
    "at": "",
    "tz": "Europe/Moscow",
    "pin": "on",
}


async def _client(aiohttp_client: Any, app: web.Application, who: str) -> Any:
    client = await aiohttp_client(app)
    assert await login(client, who) == 302
    return client


async def _announcements(db: Database) -> list[Announcement]:
    async with db.transaction() as s:
        return list((await s.execute(select(Announcement))).scalars())


async def test_create_with_preview(
    aiohttp_client: Any, app: web.Application, web_db: Database
) -> None:
    client = await _client(aiohttp_client, app, "admin")
    form_page = await (await client.get("/announcements/new")).text()
    assert 'value="Europe/Moscow"' in form_page and 'id="create"' not in form_page
    token = csrf_of(form_page)
    response = await client.post(
        "/announcements/new", data={**FORM, "csrf": token, "step": "preview"}
    )
    html = await response.text()
    assert response.status == 200
    runs = html.split('<ol id="runs">')[1].split("</ol>")[0]
    assert runs.count("<li>") == 5
    assert "2025-03-10 08:00 MSK" in runs and "2025-03-24 08:00 MSK" in runs
    chats = html.split('<ul id="chats">')[1].split("</ul>")[0]
    assert "5А родители" in chats and "6Б родители" in chats
    assert "9Я" in html.split('id="chats"')[1]  # unmatched target reported
    assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert await _announcements(web_db) == []  # a preview writes nothing
    previewed = html.split('name="previewed" value="')[1].split('"')[0]
    created = await client.post(
        "/announcements/new",
        data={**FORM, "csrf": token, "step": "create", "previewed": previewed},
        allow_redirects=False,
    )
    assert created.status == 302
    [ann] = await _announcements(web_db)
    assert created.headers["Location"] == f"/announcements/{ann.id}"
    assert ann.status == "active" and ann.pin and ann.text == FORM["text"]
    assert ann.target_tags == ["5А", "6Б", "9Я"] and ann.time_zone == "Europe/Moscow"
    assert ann.next_run_at is not None and ann.next_run_at.isoformat().startswith(
        "2025-03-10T05:00"
    )
    listing = await (await client.get("/announcements")).text()
    assert "mon,thu 08:00" in listing and EVIL not in listing


async def test_create_needs_the_fields_previewed(
    aiohttp_client: Any, app: web.Application, web_db: Database
) -> None:
    client = await _client(aiohttp_client, app, "admin")
    token = csrf_of(await (await client.get("/announcements/new")).text())
    stale = await client.post(
        "/announcements/new",
        data={**FORM, "csrf": token, "step": "create", "previewed": "stale"},
    )
    assert stale.status == 200 and 'id="preview"' in await stale.text()
    bad = await client.post(
        "/announcements/new", data={**FORM, "at": "2025-03-10 08:00", "csrf": token}
    )
    assert bad.status == 400 and 'id="form-error"' in await bad.text()
    empty = await client.post("/announcements/new", data={**FORM, "text": " ", "csrf": token})
    assert empty.status == 400
    assert await _announcements(web_db) == []


async def test_create_refused_without_csrf_and_for_curators(
    aiohttp_client: Any, app: web.Application, web_db: Database
) -> None:
    admin = await _client(aiohttp_client, app, "admin")
    no_token = await admin.post("/announcements/new", data={**FORM, "step": "create"})
    assert no_token.status == 403
    wrong = await admin.post("/announcements/new", data={**FORM, "csrf": "x", "step": "create"})
    assert wrong.status == 403
    curator = await _client(aiohttp_client, app, "curator")
    assert (await curator.get("/announcements/new")).status == 403
    token = csrf_of(await (await curator.get("/")).text())
    refused = await curator.post("/announcements/new", data={**FORM, "csrf": token})
    assert refused.status == 403
    assert await _announcements(web_db) == []


async def test_cancel_from_the_list(
    aiohttp_client: Any, app: web.Application, web_db: Database
) -> None:
    client = await _client(aiohttp_client, app, "admin")
    token = csrf_of(await (await client.get("/announcements/new")).text())
    once = {**FORM, "every": "", "at": "2025-03-20 18:00"}
    preview = await (await client.post("/announcements/new", data={**once, "csrf": token})).text()
    previewed = preview.split('name="previewed" value="')[1].split('"')[0]
    data = {**once, "csrf": token, "step": "create", "previewed": previewed}
    assert (await client.post("/announcements/new", data=data, allow_redirects=False)).status == 302
    [ann] = await _announcements(web_db)
    listing = await (await client.get("/announcements")).text()
    assert f'action="/announcements/{ann.id}/cancel"' in listing
    assert (await client.post(f"/announcements/{ann.id}/cancel")).status == 403  # no CSRF
    cancelled = await client.post(
        f"/announcements/{ann.id}/cancel", data={"csrf": token}, allow_redirects=False
    )
    assert cancelled.status == 302
    [ann] = await _announcements(web_db)
    assert ann.status == "cancelled" and not ann.active
    listing = await (await client.get("/announcements")).text()
    assert f'action="/announcements/{ann.id}/cancel"' not in listing
    assert (await client.post("/announcements/999/cancel", data={"csrf": token})).status == 404


def _removal(seeded: Seed, user: str, chat: int, pid: str) -> Removal:
    return Removal(
        person_id="p1", full_name=EVIL, chat_id=chat, platform="vk", platform_chat_id=pid,
        user_id=user, reason="left the school", because="p1",
    )  # fmt: skip


async def test_roster_page_shows_the_latest_sync(
    aiohttp_client: Any, app: web.Application, web_db: Database, seeded: Seed
) -> None:
    client = await _client(aiohttp_client, app, "admin")
    assert 'id="sync-id"' not in await (await client.get("/roster")).text()
    old = SyncPlan(removals=(_removal(seeded, "102", seeded.chat_b, "2000000002"),))
    await apply_plan(web_db, old, "oldsync0")
    plan = SyncPlan(
        removals=(
            _removal(seeded, "101", seeded.chat_a, "2000000001"),
            _removal(seeded, "102", seeded.chat_a, "2000000001"),
            _removal(seeded, "999", seeded.chat_a, "2000000001"),
        )
    )
    keys = await apply_plan(web_db, plan, "sync1234")
    async with web_db.transaction() as s:
        outbox = Outbox(s)
        done, failed, _ = [await outbox.by_key(k) for k in keys]
        assert done is not None and failed is not None
        await outbox.complete(done.id)
        await outbox.fail(failed.id, f"PermissionDenied: {EVIL}")
    html = await (await client.get("/roster")).text()
    assert '<code id="sync-id">sync1234</code>' in html and "oldsync0" not in html
    table = html.split('id="sync-removals"')[1].split("</table>")[0]
    assert table.count("<tr class=") == 3
    assert 'class="outcome-done"' in table and 'class="outcome-pending"' in table
    failed_row = table.split('class="outcome-failed"')[1].split("</tr>")[0]
    assert "PermissionDenied: &lt;script&gt;" in failed_row and EVIL not in html
    assert "5А родители" in table and "left the school" in table


async def test_stats_count_the_rows_the_bot_writes(web_db: Database, seeded: Seed) -> None:
    from datetime import timedelta

    from bot.web.stats import collect
    from storage.repos import AuditLog
    from tests.web.helpers import T0

    plan = SyncPlan(removals=(_removal(seeded, "101", seeded.chat_a, "2000000001"),))
    await apply_plan(web_db, plan, "statsync")
    async with web_db.transaction() as s:
        moved = update(AuditRecord).where(AuditRecord.action == "departure_removal")
        await s.execute(moved.values(created_at=T0 + timedelta(hours=4)))  # into the window
        log = AuditLog(s)
        for action, kind, detector in (
            ("finding", "detector", "phone"),
            ("block", "detector", "flood"),  # an escalation: not a second finding
            ("false_positive", "person", "phone"),
        ):
            await log.append(
                action=action, actor_kind=kind, detector_name=detector, chat_id=seeded.chat_a,
                target_user_id="101", rule_code="flood", created_at=T0 + timedelta(hours=5),
            )  # fmt: skip
    async with web_db.transaction() as s:
        stats = await collect(s, None, T0 + timedelta(days=3), 2)
    assert stats.findings == {"flood": 1, "phone": 1}
    assert stats.false_positives == {"phone": 1}
    assert stats.week_total("departure_removal")[-1] == 1
    assert stats.week_total("violations")[-1] == 4  # warn, warn, block, block: no departure
