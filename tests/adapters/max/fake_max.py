"""A MAX Bot API double on aiohttp: the handful of methods etiket calls.

Answers follow the official schema (each one is validated against it before it
leaves), requests are recorded, and `fail` queues error answers for a method.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.adapters.max.samples import TS, user
from tests.adapters.max.schema import check

TOKEN = "tok-SECRET-1234567890"

# (method, path regex, request schema or None, handler)
_ROUTES: list[tuple[str, str, str | None, str]] = [
    ("GET", r"/me", None, "me"),
    ("GET", r"/updates", None, "poll"),
    ("POST", r"/messages", "NewMessageBody", "send"),
    ("DELETE", r"/messages", None, "ok"),
    ("POST", r"/answers", "CallbackAnswer", "ok"),
    ("GET", r"/chats/(-?\d+)", None, "chat"),
    ("GET", r"/chats/(-?\d+)/members/me", None, "membership"),
    ("GET", r"/chats/(-?\d+)/members/admins", None, "member_page"),
    ("GET", r"/chats/(-?\d+)/members", None, "member_page"),
    ("POST", r"/chats/(-?\d+)/members", "UserIdsList", "add"),
    ("DELETE", r"/chats/(-?\d+)/members", None, "ok"),
    ("PUT", r"/chats/(-?\d+)/pin", "PinMessageBody", "ok"),
    ("POST", r"/subscriptions", "SubscriptionRequestBody", "ok"),
]


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    url: str


@dataclass
class FakeMax:
    requests: list[Seen] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    links: dict[int, str | None] = field(default_factory=dict)
    members: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    my_rights: dict[int, tuple[bool, list[str] | None]] = field(default_factory=dict)
    add_answer: dict[str, Any] = field(default_factory=lambda: {"success": True})
    updates: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    poll_wait: float = 0.05
    sent: int = 0

    def fail(
        self, key: str, status: int, body: dict[str, Any] | None = None, times: int = 1
    ) -> None:
        """Answer the next `times` calls of `key` ("POST /messages") with an error."""
        body = body if body is not None else {"code": "internal", "message": "boom"}
        self.failures.setdefault(key, []).extend([(status, body)] * times)

    def calls(self, key: str) -> list[Seen]:
        return [r for r in self.requests if f"{r.method} {r.path}" == key]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        return app

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        body = await request.json() if raw else None
        seen = Seen(
            request.method,
            request.path,
            dict(request.query),
            dict(request.headers),
            body,
            str(request.url),
        )
        self.requests.append(seen)
        if "access_token" in request.query:
            return _error(403, "deprecated.token", "Query parameter access_token is deprecated")
        if request.headers.get("Authorization") != TOKEN:
            return _error(401, "verify.token", "Invalid access_token")
        key = f"{request.method} {request.path}"
        queued = self.failures.get(key)
        if queued:
            status, err = queued.pop(0)
            return web.json_response(err, status=status)
        for method, pattern, schema, handler in _ROUTES:
            match = re.fullmatch(pattern, request.path)
            if method == request.method and match:
                if schema:
                    check(schema, body)
                args = [int(g) for g in match.groups()]
                answer, answer_schema = await getattr(self, handler)(seen, *args)
                check(answer_schema, answer)
                return web.json_response(answer)
        return _error(404, "not.found", "no such method")

    # handlers: (answer, schema name of the answer)

    async def me(self, seen: Seen) -> tuple[dict[str, Any], str]:
        return {**user(229229229, "ModBot", bot=True), "username": "mod_bot"}, "BotInfo"

    async def send(self, seen: Seen) -> tuple[dict[str, Any], str]:
        self.sent += 1
        q = seen.query
        recipient = {
            "chat_id": int(q.get("chat_id", q.get("user_id", "0"))),
            "chat_type": "chat" if "chat_id" in q else "dialog",
            "user_id": int(q["user_id"]) if "user_id" in q else None,
        }
        message = {
            "sender": user(229229229, "ModBot", bot=True),
            "recipient": recipient,
            "timestamp": TS,
            "body": {
                "mid": f"mid.sent{self.sent}",
                "seq": self.sent,
                "text": seen.body["text"],
                "attachments": seen.body["attachments"],
            },
        }
        return {"message": message}, "SendMessageResult"

    async def ok(self, seen: Seen, *_: int) -> tuple[dict[str, Any], str]:
        return {"success": True}, "SimpleQueryResult"

    async def chat(self, seen: Seen, chat_id: int) -> tuple[dict[str, Any], str]:
        info = {
            "chat_id": chat_id,
            "type": "chat",
            "status": "active",
            "title": "7Б родители",
            "icon": None,
            "last_event_time": TS,
            "participants_count": len(self.members.get(chat_id, [])),
            "is_public": False,
            "link": self.links.get(chat_id),
            "description": None,
        }
        return info, "Chat"

    async def membership(self, seen: Seen, chat_id: int) -> tuple[dict[str, Any], str]:
        is_admin, perms = self.my_rights.get(chat_id, (False, None))
        return member(229229229, admin=is_admin, permissions=perms), "ChatMember"

    async def member_page(self, seen: Seen, chat_id: int) -> tuple[dict[str, Any], str]:
        everyone = self.members.get(chat_id, [])
        if seen.path.endswith("/admins"):
            everyone = [m for m in everyone if m["is_admin"]]
        start = int(seen.query.get("marker", 0))
        end = start + min(self.page_size, int(seen.query.get("count", 20)))
        return {
            "members": everyone[start:end],
            "marker": end if end < len(everyone) else None,
        }, "ChatMembersList"

    async def add(self, seen: Seen, chat_id: int) -> tuple[dict[str, Any], str]:
        return self.add_answer, "ModifyMembersResult"

    async def poll(self, seen: Seen) -> tuple[dict[str, Any], str]:
        marker = int(seen.query.get("marker", 0))
        limit = int(seen.query.get("limit", 100))
        batch = self.updates[marker : marker + limit]
        if not batch:
            await asyncio.sleep(min(float(seen.query.get("timeout", 0)), self.poll_wait))
        return {"updates": batch, "marker": marker + len(batch)}, "UpdateList"


def member(
    uid: int,
    first: str = "Ann",
    *,
    admin: bool = False,
    owner: bool = False,
    permissions: list[str] | None = None,
) -> dict[str, Any]:
    return {
        **user(uid, first),
        "last_access_time": TS,
        "is_owner": owner,
        "is_admin": admin,
        "join_time": TS,
        "permissions": permissions,
        "alias": None,
    }


def _error(status: int, code: str, message: str) -> web.Response:
    body = {"code": code, "message": message}
    check("Error", body)
    return web.json_response(body, status=status)
