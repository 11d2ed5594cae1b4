"""The emulator's web UI: a chat client at `/`, plain HTML and a little JS, no build step.

It acts through the control API; two read-only routes list people and what one person
sees (their chats and their private dialog with the bot). No inline scripts (CSP).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from adapters.emulator.hub import HUB
from adapters.emulator.model import BOT, Chat
from adapters.emulator.views import chat_view, message_view, notification_view

__all__ = ["install_ui"]

STATIC = Path(__file__).parent / "static"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"

routes = web.RouteTableDef()


@routes.get("/")
async def index(request: web.Request) -> web.FileResponse:
    response = web.FileResponse(STATIC / "index.html")
    response.headers["Content-Security-Policy"] = CSP
    return response


@routes.get("/favicon.ico")
async def favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)


@routes.get("/ui/{name}")
async def asset(request: web.Request) -> web.FileResponse:
    name = request.match_info["name"]
    if name not in {"app.js", "style.css"}:
        raise web.HTTPNotFound
    return web.FileResponse(STATIC / name)


@routes.get("/emulator/ui/people")
async def people(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    front = hub.bot_front
    users = [
        {"user_id": front.user_ref(u.id), "name": f"{u.first_name} {u.last_name}".strip()}
        for u in hub.world.users.values()
    ]
    return web.json_response({"platform": hub.platform, "people": users})


@routes.get("/emulator/ui/people/{user_id}")
async def person(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    world, front = hub.world, hub.bot_front
    user_id = front.parse_user(request.match_info["user_id"])
    world.user(user_id)
    names = {
        front.user_ref(u.id): f"{u.first_name} {u.last_name}".strip() for u in world.users.values()
    }
    names[front.user_ref(BOT)] = world.bot_name
    chats: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for chat in world.chats.values():
        if user_id in chat.members:
            chats.append(_chat(front, chat, user_id))
        else:
            others.append({"chat_id": front.conversation_ref(chat), "title": chat.title})
    dialog = world.dialog(user_id)
    notes = world.notifications.get(user_id, [])
    return web.json_response(
        {
            "user_id": front.user_ref(user_id),
            "names": names,
            "chats": chats,
            "other_chats": others,
            "dialog": {
                "chat_id": front.conversation_ref(dialog),
                "messages": [message_view(front, dialog, m) for m in dialog.messages],
            },
            "notifications": [notification_view(front, n) for n in notes[-5:]],
        }
    )


def _chat(front: Any, chat: Chat, user_id: int) -> dict[str, Any]:
    view = chat_view(front, chat)
    view["is_admin"] = chat.members[user_id].is_admin
    return view


def install_ui(app: web.Application) -> None:
    app.add_routes(routes)
