"""Sign-in, sessions, CSRF, lockout (on a hand-moved clock) and security headers."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.web.security import HEADERS
from tests.web.helpers import Clock, csrf_of, login

Client = Any


async def test_pages_need_login_except_login_and_healthz(
    aiohttp_client: Any, app: web.Application
) -> None:
    client: Client = await aiohttp_client(app)
    for path in ("/", "/stats", "/log.csv", "/case/1/1", "/roster", "/announcements"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 302, path
        assert response.headers["Location"] == "/login"
    assert (await client.get("/login")).status == 200
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/static/style.css")).status == 200


async def test_login_sets_a_hardened_cookie_and_logout_ends_it(
    aiohttp_client: Any, app: web.Application
) -> None:
    client: Client = await aiohttp_client(app)
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={
            "username": "admin",
            "password": "correct horse battery",
            "csrf": csrf_of(await page.text()),
        },
        allow_redirects=False,
    )
    assert response.status == 302
    cookie = response.headers.getall("Set-Cookie")
    session = next(c for c in cookie if c.startswith("etiket_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
    home = await client.get("/")
    assert home.status == 200
    await client.post("/logout", data={"csrf": csrf_of(await home.text())})
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_wrong_password_is_refused(aiohttp_client: Any, app: web.Application) -> None:
    client: Client = await aiohttp_client(app)
    assert await login(client, "admin", "wrong password") == 401
    assert await login(client, "nobody", "wrong password") == 401


async def test_forms_without_the_csrf_token_are_refused(
    aiohttp_client: Any, app: web.Application
) -> None:
    client: Client = await aiohttp_client(app)
    await client.get("/login")
    response = await client.post(
        "/login", data={"username": "admin", "password": "correct horse battery"}
    )
    assert response.status == 403
    assert await login(client, "admin") == 302
    assert (await client.post("/logout", data={"csrf": "forged"})).status == 403
    assert (await client.get("/")).status == 200  # still signed in


async def test_ten_failures_lock_the_account_for_fifteen_minutes(
    aiohttp_client: Any, app: web.Application, clock: Clock
) -> None:
    client: Client = await aiohttp_client(app)
    for _ in range(9):
        assert await login(client, "admin", "wrong") == 401
        clock.advance(seconds=60)
    assert await login(client, "admin", "wrong") == 401  # the tenth: now locked
    page = await client.post("/login", data={"username": "admin", "password": "x", "csrf": "x"})
    assert page.status == 403  # wrong token: still refused before anything else
    assert await login(client, "admin") == 401  # right password, but locked
    clock.advance(minutes=14)
    assert await login(client, "admin") == 401
    clock.advance(minutes=1, seconds=1)
    assert await login(client, "admin") == 302


async def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(
    aiohttp_client: Any, app: web.Application, clock: Clock
) -> None:
    client: Client = await aiohttp_client(app)
    for _ in range(12):
        assert await login(client, "admin", "wrong") == 401
        clock.advance(minutes=2)
    assert await login(client, "admin") == 302


async def test_security_headers_on_every_answer(aiohttp_client: Any, app: web.Application) -> None:
    client: Client = await aiohttp_client(app)
    for path in ("/login", "/healthz", "/static/app.js", "/nope"):
        response = await client.get(path)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
    csp = HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


async def test_language_switch(aiohttp_client: Any, app: web.Application) -> None:
    client: Client = await aiohttp_client(app)
    page = await client.get("/login")
    assert "Вход в панель" in await page.text()
    response = await client.post(
        "/lang", data={"to": "en", "next": "//evil.example", "csrf": csrf_of(await page.text())},
        allow_redirects=False,
    )  # fmt: skip
    assert response.headers["Location"] == "/"
    assert "Sign in" in await (await client.get("/login")).text()
