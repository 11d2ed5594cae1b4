"""`/healthz` (public, JSON) and `/metrics` (Prometheus text, token or loopback only).

`/metrics` shows traffic volumes per platform, not personal data, but the issue keeps
everything but `/healthz` and the login page behind a gate: with a configured token
it wants `Authorization: Bearer <token>`; without one it answers only the loopback
interface, where a local Prometheus or node agent scrapes it.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.web.keys import DB, METRICS, OPTIONS

__all__ = ["healthz", "metrics"]


async def healthz(request: web.Request) -> web.Response:
    """`ok`, `degraded` (working, but e.g. on in-process state without Redis: 200) or
    `error` (the database cannot be reached: 503), with the bot's own report."""
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    probe = request.app[OPTIONS].health
    if probe is not None:
        try:
            report = await probe()
        except Exception as exc:
            report = {"bot": f"report failed: {type(exc).__name__}", "degraded": True}
        if report.pop("degraded", False):
            body["status"] = "degraded"
        body.update(report)
    try:
        async with request.app[DB].transaction() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not healthy", and says which
        body.update(status="error", database=type(exc).__name__)
        return web.json_response(body, status=503)
    return web.json_response(body)


def _loopback(request: web.Request) -> bool:
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


async def metrics(request: web.Request) -> web.Response:
    token = request.app[OPTIONS].metrics_token
    if token is not None:
        sent = request.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise web.HTTPUnauthorized(headers={"WWW-Authenticate": "Bearer"})
    elif not _loopback(request):
        raise web.HTTPForbidden(text="metrics are served to localhost only without a token")
    body = request.app[METRICS].render()
    return web.Response(
        text=body,
        content_type="text/plain",
        charset="utf-8",
        headers={"X-Prometheus-Format": "0.0.4"},
    )
