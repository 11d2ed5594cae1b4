"""Announcements and roster pages: administrators only, read-mostly.

Creating and cancelling announcements is in `views.announce`; the latest roster
sync (its whole plan, and its removals' outcomes) is read by `bot.web.roster_sync`.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import func, select

from bot.web.keys import DB, SETTINGS
from bot.web.render import deny, page, texts, when
from bot.web.roster_sync import latest_sync
from bot.web.views.announce import admin_only as _admin
from storage.models import Announcement, Chat, Delivery, Person

__all__ = ["announcement_page", "announcements_page", "roster_page"]

ROSTER_PAGE = 200
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


async def announcements_page(request: web.Request) -> web.Response:
    _admin(request)
    zone = request.app[SETTINGS].timezone
    counts = select(Delivery.announcement_id, Delivery.status, func.count()).group_by(
        Delivery.announcement_id, Delivery.status
    )
    async with request.app[DB].transaction() as session:
        items = list(
            (await session.execute(select(Announcement).order_by(Announcement.id.desc()))).scalars()
        )
        tally: dict[int, dict[str, int]] = {}
        for aid, status, n in (await session.execute(counts)).all():
            tally.setdefault(aid, {})[status] = n
    rows = [
        {
            "id": a.id,
            "title": a.title or a.text[:60],
            "tags": ", ".join(a.target_tags),
            "when": _when(a, zone),
            "status": a.status,
            "tally": tally.get(a.id, {}),
        }
        for a in items
    ]
    return page(request, "announcements.html", {"rows": rows})


async def announcement_page(request: web.Request) -> web.Response:
    _admin(request)
    zone = request.app[SETTINGS].timezone
    try:
        aid = int(request.match_info["id"])
    except ValueError:
        raise deny(request, 404) from None
    stmt = (
        select(Delivery, Chat.title)
        .join(Chat, Chat.id == Delivery.chat_id)
        .where(Delivery.announcement_id == aid)
        .order_by(Delivery.run_at.desc(), Chat.title)
    )
    async with request.app[DB].transaction() as session:
        item = await session.get(Announcement, aid)
        if item is None:
            raise deny(request, 404)
        deliveries = [
            {
                "chat": title,
                "run_at": when(d.run_at, zone),
                "status": d.status,
                "error": d.error or "",
            }
            for d, title in (await session.execute(stmt)).all()
        ]
    return page(request, "announcement.html", {"item": item, "deliveries": deliveries})


async def roster_page(request: web.Request) -> web.Response:
    _admin(request)
    stmt = select(Person).order_by(Person.class_name, Person.full_name).limit(ROSTER_PAGE)
    totals = select(Person.role, Person.status, func.count()).group_by(Person.role, Person.status)
    async with request.app[DB].transaction() as session:
        people = list((await session.execute(stmt)).scalars())
        summary = [tuple(r) for r in (await session.execute(totals)).all()]
        sync = await latest_sync(session, request.app[SETTINGS].timezone, texts(request))
    context = {"people": people, "summary": summary, "limit": ROSTER_PAGE, "sync": sync}
    return page(request, "roster.html", context)


def _when(a: Announcement, zone: str) -> str:
    """The schedule as the administrator wrote it, and the next run in the school's zone."""
    raw = a.schedule or {}
    if raw.get("kind") == "once":
        spec = str(raw.get("at", "")).replace("T", " ")
    elif raw.get("kind") == "weekly":
        days = ",".join(DAYS[d] for d in raw.get("days", ()))
        spec = f"{days} {','.join(raw.get('times', ()))}"
    else:
        spec = when(a.run_at, zone) if a.run_at else (a.cron or "")
    nxt = f" → {when(a.next_run_at, zone)}" if a.next_run_at and a.active else ""
    return f"{spec} {a.time_zone or ''}".strip() + nxt
