"""The control API: JSON over HTTP for people and tests to act in the world.

Routes are part of the product contract (tests and `etiket demo` drive them); ids
in and out are strings as the bot sees them, and ints are accepted on input.
Platform-neutral: the front translates ids, the world does the rest.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from adapters.emulator.errors import Refusal, WorldError
from adapters.emulator.faults import FaultSpecError
from adapters.emulator.hub import HUB, Emulator
from adapters.emulator.model import BOT, Chat
from adapters.emulator.views import chat_view, message_view, notification_view

__all__ = ["install_control"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
NOT_FOUND = {Refusal.NO_USER, Refusal.NO_CHAT, Refusal.NO_MESSAGE, Refusal.NO_PRESS}

routes = web.RouteTableDef()


@web.middleware
async def control_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bad input becomes 400, a missing thing 404, a refused action 409; all as JSON."""
    if not request.path.startswith("/emulator/"):
        return await handler(request)
    try:
        return await handler(request)
    except WorldError as exc:
        status = 404 if exc.reason in NOT_FOUND else 409
        return web.json_response({"error": exc.reason.value, "detail": exc.detail}, status=status)
    except (ValueError, KeyError, TypeError, FaultSpecError) as exc:
        return web.json_response({"error": "bad_request", "detail": str(exc)}, status=400)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except json.JSONDecodeError as exc:
        raise ValueError(f"body is not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


def _hub(request: web.Request) -> Emulator:
    return request.app[HUB]


def _chat(hub: Emulator, ref: object) -> Chat:
    conversation = hub.bot_front.parse_conversation(ref)
    if not isinstance(conversation, Chat):
        raise WorldError(Refusal.NO_CHAT, f"{ref} is not a group chat")
    return conversation


@routes.get("/emulator/token")
async def get_token(request: web.Request) -> web.Response:
    return web.json_response({"token": _hub(request).token, "platform": _hub(request).platform})


@routes.post("/emulator/reset")
async def reset(request: web.Request) -> web.Response:
    _hub(request).reset()
    return web.json_response({"ok": True})


@routes.post("/emulator/users")
async def add_user(request: web.Request) -> web.Response:
    body, hub = await _body(request), _hub(request)
    user = hub.world.add_user(
        str(body["name"]),
        bool(body.get("allows_messages", True)),
        bool(body.get("allows_invites", True)),
    )
    return web.json_response({"user_id": hub.bot_front.user_ref(user.id)}, status=201)


@routes.post("/emulator/users/{user_id}/messages")
async def private_message(request: web.Request) -> web.Response:
    body, hub = await _body(request), _hub(request)
    front = hub.bot_front
    dialog = hub.world.dialog(front.parse_user(request.match_info["user_id"]))
    reply_to = body.get("reply_to")
    reply = None if reply_to is None else front.parse_message(dialog, reply_to)
    message = hub.world.post(dialog, dialog.id, str(body["text"]), reply)
    return web.json_response({"message_id": front.message_ref(dialog, message.id)}, status=201)


@routes.get("/emulator/users/{user_id}/messages")
async def private_inbox(request: web.Request) -> web.Response:
    hub = _hub(request)
    front, user_id = hub.bot_front, hub.bot_front.parse_user(request.match_info["user_id"])
    dialog = hub.world.dialog(user_id)
    everything = request.query.get("all") in ("1", "true")
    messages = [m for m in dialog.messages if everything or m.from_id == BOT]
    notes = hub.world.notifications.get(user_id, [])
    return web.json_response(
        {
            "chat_id": front.conversation_ref(dialog),
            "messages": [message_view(front, dialog, m) for m in messages],
            "notifications": [notification_view(front, n) for n in notes],
        }
    )


@routes.post("/emulator/chats")
async def add_chat(request: web.Request) -> web.Response:
    body, hub = await _body(request), _hub(request)
    parse = hub.bot_front.parse_user
    owner = body.get("owner_id")
    chat = hub.world.add_chat(
        str(body.get("title", "")),
        [parse(u) for u in body.get("member_ids", [])],
        [parse(u) for u in body.get("admin_ids", [])],
        owner_id=None if owner is None else parse(owner),
        bot_is_admin=bool(body.get("bot_is_admin", True)),
    )
    return web.json_response({"chat_id": hub.bot_front.conversation_ref(chat)}, status=201)


@routes.get("/emulator/chats/{chat_id}")
async def get_chat(request: web.Request) -> web.Response:
    hub = _hub(request)
    return web.json_response(chat_view(hub.bot_front, _chat(hub, request.match_info["chat_id"])))


@routes.patch("/emulator/chats/{chat_id}")
async def patch_chat(request: web.Request) -> web.Response:
    """Change the bot's admin flag, the title or whether a join link exists (an owner's acts)."""
    body, hub = await _body(request), _hub(request)
    chat = _chat(hub, request.match_info["chat_id"])
    if "bot_is_admin" in body:
        hub.world.set_admin(chat, BOT, bool(body["bot_is_admin"]))
    if "has_link" in body:
        chat.invite_link = (chat.invite_link or hub.world.new_link()) if body["has_link"] else ""
    if "title" in body:
        chat.title = str(body["title"])
    return web.json_response(chat_view(hub.bot_front, chat))


@routes.post("/emulator/chats/{chat_id}/messages")
async def chat_message(request: web.Request) -> web.Response:
    body, hub = await _body(request), _hub(request)
    front = hub.bot_front
    chat = _chat(hub, request.match_info["chat_id"])
    reply_to = body.get("reply_to")
    reply = None if reply_to is None else front.parse_message(chat, reply_to)
    message = hub.world.post(chat, front.parse_user(body["from_id"]), str(body["text"]), reply)
    return web.json_response({"message_id": front.message_ref(chat, message.id)}, status=201)


@routes.post("/emulator/bulk")
async def bulk_messages(request: web.Request) -> web.Response:
    """Many people write at once (load and crash tests): `{"messages": [{chat_id,
    from_id, text}, ...]}`, posted in the given order; answers their message ids."""
    body, hub = await _body(request), _hub(request)
    front = hub.bot_front
    ids = []
    for item in body.get("messages") or ():
        chat = _chat(hub, str(item["chat_id"]))
        message = hub.world.post(chat, front.parse_user(item["from_id"]), str(item["text"]), None)
        ids.append(front.message_ref(chat, message.id))
    return web.json_response({"message_ids": ids}, status=201)


@routes.patch("/emulator/chats/{chat_id}/messages/{message_id}")
async def edit_message(request: web.Request) -> web.Response:
    body, hub = await _body(request), _hub(request)
    chat = hub.bot_front.parse_conversation(request.match_info["chat_id"])
    message_id = hub.bot_front.parse_message(chat, request.match_info["message_id"])
    message = hub.world.edit(chat, message_id, str(body["text"]))
    return web.json_response(message_view(hub.bot_front, chat, message))


@routes.post("/emulator/chats/{chat_id}/members")
async def join(request: web.Request) -> web.Response:
    """Join by invitation (`by`) or, without `by`, by the invite link."""
    body, hub = await _body(request), _hub(request)
    front, chat = hub.bot_front, _chat(hub, request.match_info["chat_id"])
    by = body.get("by")
    message = hub.world.join(
        chat, front.parse_user(body["user_id"]), None if by is None else front.parse_user(by)
    )
    return web.json_response({"message_id": front.message_ref(chat, message.id)}, status=201)


@routes.patch("/emulator/chats/{chat_id}/members/{user_id}")
async def set_admin(request: web.Request) -> web.Response:
    body, hub = await _body(request), _hub(request)
    chat = _chat(hub, request.match_info["chat_id"])
    user_id = hub.bot_front.parse_user(request.match_info["user_id"])
    hub.world.set_admin(chat, user_id, bool(body["is_admin"]))
    return web.json_response(chat_view(hub.bot_front, chat))


@routes.delete("/emulator/chats/{chat_id}/members/{user_id}")
async def leave(request: web.Request) -> web.Response:
    """Leave the chat, or be removed by `?by=<user_id>`."""
    hub = _hub(request)
    front, chat = hub.bot_front, _chat(hub, request.match_info["chat_id"])
    by = request.query.get("by")
    user_id = front.parse_user(request.match_info["user_id"])
    message = hub.world.leave(chat, user_id, None if by is None else front.parse_user(by))
    return web.json_response({"message_id": front.message_ref(chat, message.id)})


@routes.post("/emulator/press")
async def press(request: web.Request) -> web.Response:
    """Press a callback button, chosen by `payload` (a JSON value or string) or `label`."""
    body, hub = await _body(request), _hub(request)
    front = hub.bot_front
    conversation = front.parse_conversation(body["chat_id"])
    payload = body.get("payload")
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except json.JSONDecodeError:
            pass
    found = hub.world.press(
        conversation,
        front.parse_user(body["user_id"]),
        front.parse_message(conversation, body["message_id"]),
        payload,
        body.get("label"),
    )
    return web.json_response({"event_id": found.event_id}, status=201)


@routes.get("/emulator/calls")
async def calls(request: web.Request) -> web.Response:
    hub = _hub(request)
    since = int(request.query.get("since", "0"))
    return web.json_response({"calls": hub.calls.since(since), "next": hub.calls.head})


@routes.get("/emulator/faults")
async def list_faults(request: web.Request) -> web.Response:
    return web.json_response({"faults": [f.view() for f in _hub(request).faults.faults]})


@routes.post("/emulator/faults")
async def arm_faults(request: web.Request) -> web.Response:
    """One fault object, or `{"faults": [...]}` to arm several at once."""
    body, book = await _body(request), _hub(request).faults
    specs = body["faults"] if "faults" in body else [body]
    armed = [book.arm(spec) for spec in specs]
    return web.json_response({"faults": [f.view() for f in armed]}, status=201)


@routes.delete("/emulator/faults")
async def clear_faults(request: web.Request) -> web.Response:
    _hub(request).faults.clear()
    return web.json_response({"ok": True})


def install_control(app: web.Application) -> None:
    app.middlewares.append(control_errors)
    app.add_routes(routes)
