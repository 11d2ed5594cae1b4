"""Announcements and roster pages: administrators only, read-mostly.

Creating an announcement (with the preview of run times and resolved chats) and the
roster's sync plan belong to the announcements and roster issues, which are not in
yet; the pages say so instead of offering a form that would do nothing.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import func, select

from bot.web.keys import DB, SETTINGS
from bot.web.render import deny, page, when
from bot.web.security import viewer_of
from bot.web.session import Viewer
from storage.models import Announcement, Chat, Delivery, Person

__all__ = ["announcement_page", "announcements_page", "cancel_announcement", "roster_page"]

ROSTER_PAGE = 200


def _admin(request: web.Request) -> Viewer:
    viewer = viewer_of(request)
    if not viewer.is_admin:
        raise deny(request, 403)
    return viewer


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
            "when": when(a.run_at, zone) if a.run_at else (a.cron or ""),
            "active": a.active,
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


async def cancel_announcement(request: web.Request) -> web.Response:
    _admin(request)
    try:
        aid = int(request.match_info["id"])
    except ValueError:
        raise deny(request, 404) from None
    async with request.app[DB].transaction() as session:
        item = await session.get(Announcement, aid)
        if item is None:
            raise deny(request, 404)
        item.active = False
    raise web.HTTPFound(f"/announcements/{aid}")


async def roster_page(request: web.Request) -> web.Response:
    _admin(request)
    stmt = select(Person).order_by(Person.class_name, Person.full_name).limit(ROSTER_PAGE)
    totals = select(Person.role, Person.status, func.count()).group_by(Person.role, Person.status)
    async with request.app[DB].transaction() as session:
        people = list((await session.execute(stmt)).scalars())
        summary = [tuple(r) for r in (await session.execute(totals)).all()]
    return page(
        request, "roster.html", {"people": people, "summary": summary, "limit": ROSTER_PAGE}
    )
