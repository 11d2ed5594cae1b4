"""The moderation log (filters, keyset pages) and a case's history."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from sqlalchemy import select

from bot.web.access import record_access
from bot.web.keys import DB, RULES, SETTINGS
from bot.web.logquery import LogFilter, decode_cursor, encode_cursor, log_query
from bot.web.logrows import present
from bot.web.render import deny, page
from bot.web.security import viewer_of
from bot.web.session import Viewer
from storage.models import AuditRecord, Chat
from storage.repos import AuditLog

__all__ = ["case_page", "log_page", "parse_filter", "visible_chats"]

PAGE = 50
MAX_CASE_DEPTH = 20


def parse_filter(request: web.Request, viewer: Viewer) -> LogFilter:
    try:
        flt = LogFilter.parse(request.query)
    except ValueError:
        raise web.HTTPBadRequest(text="malformed filter") from None
    if flt.chat is not None and not viewer.can_see(flt.chat):
        raise deny(request, 403)
    return flt


async def visible_chats(request: web.Request, viewer: Viewer) -> list[tuple[int, str]]:
    stmt = select(Chat.id, Chat.title).order_by(Chat.title, Chat.id)
    if viewer.chat_ids is not None:
        stmt = stmt.where(Chat.id.in_(sorted(viewer.chat_ids)))
    async with request.app[DB].transaction() as session:
        return [(r[0], r[1] or f"#{r[0]}") for r in (await session.execute(stmt)).all()]


async def log_page(request: web.Request) -> web.Response:
    viewer = viewer_of(request)
    flt = parse_filter(request, viewer)
    try:
        before = decode_cursor(request.query.get("after"))
    except ValueError:
        raise web.HTTPBadRequest(text="malformed cursor") from None
    zone = request.app[SETTINGS].timezone
    stmt = log_query(flt, viewer.chat_ids, zone=zone, before=before, limit=PAGE + 1)
    async with request.app[DB].transaction() as session:
        records = list((await session.execute(stmt)).scalars())
        rows = await present(session, records[:PAGE], request.app[RULES], zone)
        await record_access(session, viewer, "viewed", f"log {flt.describe()}", flt.person)
    more = len(records) > PAGE
    query = flt.as_query()
    next_query = {**query, "after": encode_cursor(_key(records[PAGE - 1]))} if more else None
    return page(
        request,
        "log.html",
        {
            "rows": rows,
            "filter": query,
            "chats": await visible_chats(request, viewer),
            "next_query": next_query,
            "first_page": before is not None,
        },
    )


def _key(record: AuditRecord) -> tuple[datetime, int]:
    return record.created_at, record.id


async def _history(log: AuditLog, root: AuditRecord) -> list[AuditRecord]:
    """The case's first record and everything correcting it, transitively."""
    for _ in range(MAX_CASE_DEPTH):
        if root.corrects_id is None:
            break
        parent = await log.get(root.corrects_id)
        if parent is None:
            break
        root = parent
    seen = {root.id: root}
    frontier = [root.id]
    for _ in range(MAX_CASE_DEPTH):
        stmt = select(AuditRecord).where(AuditRecord.corrects_id.in_(frontier))
        found = [r for r in (await log.session.execute(stmt)).scalars() if r.id not in seen]
        if not found:
            break
        seen.update((r.id, r) for r in found)
        frontier = [r.id for r in found]
    return sorted(seen.values(), key=lambda r: (r.created_at, r.id))


async def case_page(request: web.Request) -> web.Response:
    viewer = viewer_of(request)
    try:
        chat_id = int(request.match_info["chat"])
        number = int(request.match_info["case"])
    except ValueError:
        raise deny(request, 404) from None
    if not viewer.can_see(chat_id):
        raise deny(request, 404)  # not 403: do not confirm that the chat exists
    zone = request.app[SETTINGS].timezone
    async with request.app[DB].transaction() as session:
        log = AuditLog(session)
        record = await log.by_case(chat_id, number)
        if record is None:
            raise deny(request, 404)
        history = [r for r in await _history(log, record) if viewer.can_see(r.chat_id)]
        rows = await present(session, history, request.app[RULES], zone)
        what = f"case chat={chat_id} case={number}"
        await record_access(session, viewer, "viewed", what, record.target_user_id)
    chat = rows[0].chat if rows else ""
    return page(request, "case.html", {"rows": rows, "number": number, "chat": chat})
