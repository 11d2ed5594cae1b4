"""Security middlewares: headers on every answer, sign-in required, CSRF on every form.

Only `/login`, `/healthz`, `/lang` (the language switch of the login page) and the
bundled static files are public; `/metrics` checks its own bearer token or loopback
address (see `views.health`). CSRF: a signed-in form carries the session's token
(synchronizer pattern); the login form, before any session exists, carries the
random `etiket_csrf` cookie's value (double submit).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web.session import LANG, PRE_CSRF_COOKIE, VIEWER, Viewer, language_of, load_viewer

__all__ = ["HEADERS", "add_security_headers", "auth_middleware", "viewer_of"]

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
PUBLIC = ("/login", "/healthz", "/metrics", "/lang")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """An `on_response_prepare` hook, so streamed and error answers get them too."""
    response.headers.update(HEADERS)
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"


def viewer_of(request: web.Request) -> Viewer:
    viewer: Viewer | None = request.get(VIEWER)
    if viewer is None:
        raise web.HTTPUnauthorized()
    return viewer


def _public(path: str) -> bool:
    return path in PUBLIC or path.startswith("/static/")


async def _csrf_ok(request: web.Request, viewer: Viewer | None) -> bool:
    form = await request.post()
    sent = form.get("csrf")
    expected = viewer.csrf if viewer is not None else request.cookies.get(PRE_CSRF_COOKIE)
    if not isinstance(sent, str) or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[LANG] = language_of(request)
    viewer = None if request.path.startswith("/static/") else await load_viewer(request)
    request[VIEWER] = viewer
    if viewer is None and not _public(request.path):
        if request.method == "GET":
            raise web.HTTPFound("/login")
        raise web.HTTPUnauthorized()
    if request.method == "POST" and not await _csrf_ok(request, viewer):
        raise web.HTTPForbidden(text="CSRF token missing or wrong")
    return await handler(request)
