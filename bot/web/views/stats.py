"""The statistics page: tables per chat and week, and two SVG charts."""

from __future__ import annotations

from aiohttp import web

from bot.web.charts import bar_chart, line_chart
from bot.web.keys import CLOCK, DB
from bot.web.render import page, texts
from bot.web.security import viewer_of
from bot.web.stats import REMOVALS, SANCTIONS, collect
from bot.web.views.log import visible_chats

__all__ = ["stats_page"]


async def stats_page(request: web.Request) -> web.Response:
    viewer = viewer_of(request)
    try:
        weeks = min(max(int(request.query.get("weeks", "8")), 1), 52)
    except ValueError:
        raise web.HTTPBadRequest(text="weeks must be a number") from None
    async with request.app[DB].transaction() as session:
        stats = await collect(session, viewer.chat_ids, request.app[CLOCK](), weeks)
    catalogue = texts(request)
    labels = [w.strftime("%d.%m") for w in stats.weeks]
    chats = await visible_chats(request, viewer)
    per_chat = []
    for chat_id, title in chats:
        for week in stats.weeks:
            row = {a: stats.actions.get((chat_id, week, a), 0) for a in SANCTIONS}
            row["remove"] = sum(stats.actions.get((chat_id, week, a), 0) for a in REMOVALS)
            messages = stats.messages.get((chat_id, week), 0)
            if messages or any(row.values()):
                per_chat.append(
                    {"chat": title, "week": week.isoformat(), "messages": messages, **row}
                )
    rules = sorted((title, rule, n) for (cid, rule), n in stats.rules.items()
                   for c, title in chats if c == cid)  # fmt: skip
    detectors = sorted(set(stats.findings) | set(stats.false_positives))
    return page(
        request,
        "stats.html",
        {
            "violations_chart": bar_chart(
                catalogue.t("web.chart_violations"), labels, stats.week_total("violations")
            ),
            "messages_chart": line_chart(
                catalogue.t("web.chart_messages"), labels, stats.week_total("messages")
            ),
            "per_chat": per_chat,
            "rules": rules,
            "detectors": [
                (d, stats.findings.get(d, 0), stats.false_positives.get(d, 0)) for d in detectors
            ],
            "members": [
                (title, stats.active.get(c, 0), stats.unknown.get(c, 0)) for c, title in chats
            ],
            "unreachable": stats.unreachable,
            "weeks": weeks,
        },
    )
