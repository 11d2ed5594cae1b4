"""CSV export of the log's current filter, streamed, and opened correctly by Excel.

Excel needs a BOM to read UTF-8 and, in a Russian locale, `;` as the separator.
Cells starting with `=`, `+`, `-`, `@` are prefixed with `'` so that a name typed by
a chat member can never run as a formula (CSV injection).
"""

from __future__ import annotations

import csv
import io

from aiohttp import web

from bot.web.access import record_access
from bot.web.keys import DB, RULES, SETTINGS
from bot.web.logquery import log_query
from bot.web.logrows import present
from bot.web.render import texts
from bot.web.security import viewer_of
from bot.web.views.log import parse_filter

__all__ = ["COLUMNS", "export_csv", "safe_cell"]

COLUMNS = ("case", "time", "chat", "actor", "target", "action", "rule", "reason", "outcome")
BATCH = 500


def safe_cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _line(cells: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow([safe_cell(c) for c in cells])
    return buffer.getvalue().encode("utf-8")


async def export_csv(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    flt = parse_filter(request, viewer)
    db, rules, zone = request.app[DB], request.app[RULES], request.app[SETTINGS].timezone
    async with db.transaction() as session:
        await record_access(session, viewer, "exported", f"csv {flt.describe()}", flt.person)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="etiket-log.csv"',
        }
    )
    await response.prepare(request)
    catalogue = texts(request)
    header = [catalogue.t(f"web.col_{name}") for name in COLUMNS]
    await response.write(b"\xef\xbb\xbf" + _line(header))
    before = None
    while True:
        stmt = log_query(flt, viewer.chat_ids, zone=zone, before=before, limit=BATCH)
        async with db.transaction() as session:
            records = list((await session.execute(stmt)).scalars())
            rows = await present(session, records, rules, zone)
        if rows:
            await response.write(b"".join(_line(row.cells()) for row in rows))
        if len(records) < BATCH:
            break
        before = (records[-1].created_at, records[-1].id)
    await response.write_eof()
    return response
