"""Who is asking: the session cookie, the viewer it stands for, and the language.

The cookie carries a random token; the database holds only its SHA-256, with the
session's CSRF token and expiry (see `storage.models.dashboard`). A viewer's reach
(the chats they may see) is resolved on every request, so unlinking a curator from a
class takes effect at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from bot.web.keys import CLOCK, DB, OPTIONS
from storage.models import DashboardUser
from storage.repos import DashboardUsers, Sessions

__all__ = [
    "LANG",
    "LANG_COOKIE",
    "PRE_CSRF",
    "PRE_CSRF_COOKIE",
    "SESSION_COOKIE",
    "VIEWER",
    "Viewer",
    "end_session",
    "language_of",
    "load_viewer",
    "set_cookie",
    "start_session",
]

SESSION_COOKIE = "etiket_session"
PRE_CSRF_COOKIE = "etiket_csrf"
LANG_COOKIE = "etiket_lang"


@dataclass(frozen=True)
class Viewer:
    """A signed-in account and what it may see; `chat_ids` None means every chat."""

    user_id: int
    username: str
    display_name: str
    role: str
    chat_ids: frozenset[int] | None
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    @property
    def actor_id(self) -> str:
        """How the audit log names this account (`actor_kind` "person")."""
        return f"dashboard:{self.username}"

    def can_see(self, chat_id: int | None) -> bool:
        if self.chat_ids is None:
            return True
        return chat_id is not None and chat_id in self.chat_ids


VIEWER: web.RequestKey[Viewer | None] = web.RequestKey("viewer")
LANG = web.RequestKey("lang", str)
PRE_CSRF = web.RequestKey("pre_csrf", str)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str) -> None:
    """HttpOnly, SameSite=Lax, Secure over https (or when forced by the options)."""
    secure = request.secure or request.app[OPTIONS].secure_cookies
    response.set_cookie(name, value, httponly=True, samesite="Lax", secure=secure, path="/")


def language_of(request: web.Request) -> str:
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "ru"


async def load_viewer(request: web.Request) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    async with request.app[DB].transaction() as session:
        row = await Sessions(session).find(_hash(token), request.app[CLOCK]())
        if row is None:
            return None
        users = DashboardUsers(session)
        user = await users.get(row.user_id)
        if user is None:
            return None
        chats = await users.visible_chat_ids(user)
    return Viewer(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name or user.username,
        role=user.role,
        chat_ids=None if chats is None else frozenset(chats),
        csrf=row.csrf_token,
    )


async def start_session(
    request: web.Request, response: web.StreamResponse, user: DashboardUser
) -> None:
    """A new token on every sign-in, so a cookie planted before it is worthless."""
    token = secrets.token_urlsafe(32)
    hours = request.app[OPTIONS].session_hours
    async with request.app[DB].transaction() as session:
        await Sessions(session).open(
            _hash(token),
            user.id,
            secrets.token_urlsafe(32),
            request.app[CLOCK](),
            timedelta(hours=hours),
        )
    set_cookie(request, response, SESSION_COOKIE, token)


async def end_session(request: web.Request, response: web.StreamResponse) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with request.app[DB].transaction() as session:
            await Sessions(session).close(_hash(token))
    response.del_cookie(SESSION_COOKIE, path="/")
