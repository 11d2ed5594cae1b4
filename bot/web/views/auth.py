"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

import secrets

from aiohttp import web

from bot.web.accounts import SignIn, sign_in
from bot.web.keys import CLOCK, DB, HASHER
from bot.web.render import page, texts
from bot.web.session import (
    LANG_COOKIE,
    PRE_CSRF,
    PRE_CSRF_COOKIE,
    VIEWER,
    end_session,
    set_cookie,
    start_session,
)

__all__ = ["login_form", "login_submit", "logout", "switch_language"]


def _safe_next(value: object) -> str:
    """Only a local path: an open redirect would make the login page a phishing aid."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


def _login_page(request: web.Request, error: str | None, status: int = 200) -> web.Response:
    token = request.cookies.get(PRE_CSRF_COOKIE) or secrets.token_urlsafe(32)
    request[PRE_CSRF] = token
    response = page(request, "login.html", {"error": error}, status=status)
    set_cookie(request, response, PRE_CSRF_COOKIE, token)
    return response


async def login_form(request: web.Request) -> web.Response:
    if request.get(VIEWER) is not None:
        raise web.HTTPFound("/")
    return _login_page(request, None)


async def login_submit(request: web.Request) -> web.Response:
    form = await request.post()
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    app = request.app
    result = await sign_in(app[DB], app[HASHER], app[CLOCK], username, password)
    if result.outcome is SignIn.OK and result.user is not None:
        response = web.HTTPFound("/")
        await start_session(request, response, result.user)
        response.del_cookie(PRE_CSRF_COOKIE, path="/")
        raise response
    key = "web.login_locked" if result.outcome is SignIn.LOCKED else "web.login_failed"
    return _login_page(request, texts(request).t(key), status=401)


async def logout(request: web.Request) -> web.Response:
    response = web.HTTPFound("/login")
    await end_session(request, response)
    raise response


async def switch_language(request: web.Request) -> web.Response:
    form = await request.post()
    language = "en" if form.get("to") == "en" else "ru"
    response = web.HTTPFound(_safe_next(form.get("next")))
    set_cookie(request, response, LANG_COOKIE, language)
    raise response
