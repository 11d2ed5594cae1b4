"""`/me`, `/messages` and `/answers` (NOTES §4, §5)."""

from __future__ import annotations

from typing import Any

from adapters.emulator.max.context import MaxCall, bad
from adapters.emulator.max.errors import MaxApiError, NotDone
from adapters.emulator.max.keyboard import parse_attachments
from adapters.emulator.max.shapes import message_object, user_object
from adapters.emulator.model import BOT, Chat, Conversation, Dialog, Keyboard

__all__ = ["answer", "delete_message", "edit_message", "get_me", "get_messages", "send_message"]

MAX_TEXT = 4000
FORMATS = (None, "markdown", "html")
OK = {"success": True}


async def get_me(call: MaxCall) -> dict[str, Any]:
    """A `BotInfo`: the bot's `User` plus the profile fields."""
    me = user_object(call.world, call.front.ids, BOT)
    return {**me, "description": None, "commands": None}


def _text(body: dict[str, Any]) -> str | None:
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise bad("text must be a string")
    if text is not None and len(text) > MAX_TEXT:
        raise bad(f"text: size must be between 0 and {MAX_TEXT}")  # NOTES §6
    if body.get("format") not in FORMATS:
        raise bad("format must be markdown or html")
    return text


def _reply(call: MaxCall, conversation: Conversation, link: Any) -> int | None:
    """A `NewMessageLink`; only replies within the same chat are emulated."""
    if link is None:
        return None
    if not isinstance(link, dict) or link.get("type") != "reply" or "mid" not in link:
        raise bad("link must be {type: reply, mid}")
    target, number = call.front.ids.locate(call.world, str(link["mid"]))
    if target is not conversation:
        raise bad("a reply must point at a message in the same chat")
    return number


async def send_message(call: MaxCall) -> dict[str, Any]:
    """`POST /messages?chat_id=` or `?user_id=` (a dialog) → `SendMessageResult`."""
    body, ids = call.json(), call.front.ids
    if "chat_id" in call.query:
        conversation = ids.conversation(call.world, call.integer("chat_id"))
    elif "user_id" in call.query:
        conversation = call.world.dialog(ids.world_user(call.integer("user_id")))
    else:
        raise bad("chat_id or user_id is required")
    text = _text(body)
    keyboard = parse_attachments(body.get("attachments"))
    if not text and keyboard is None:
        raise bad("the message is empty")
    reply = _reply(call, conversation, body.get("link"))
    silent = body.get("notify", True) is False
    message = call.world.bot.send(
        conversation, text or "", keyboard=keyboard, reply_to=reply, silent=silent
    )
    return {"message": message_object(call.world, ids, conversation, message)}


async def get_messages(call: MaxCall) -> dict[str, Any]:
    """`GET /messages?chat_id=&count=` → `MessageList`, the latest message first.

    Only the chat form is emulated (`message_ids`, `from` and `to` are not): the bot
    reads back what it recently posted to learn whether a cut-off send went out."""
    ids = call.front.ids
    if "chat_id" not in call.query:
        raise bad("chat_id is required")
    conversation = ids.conversation(call.world, call.integer("chat_id"))
    count = call.integer("count") if "count" in call.query else 50
    if not 1 <= count <= 100:
        raise bad("count must be between 1 and 100")
    latest = [m for m in reversed(conversation.messages) if not m.deleted][:count]
    return {"messages": [message_object(call.world, ids, conversation, m) for m in latest]}


def _change(call: MaxCall, conversation: Conversation, number: int, body: dict[str, Any]) -> None:
    """Apply a `NewMessageBody` to the bot's message: null keeps a part, `[]` drops buttons."""
    text = _text(body)
    attachments = body.get("attachments")
    keyboard = parse_attachments(attachments) if attachments is not None else None
    if attachments == []:
        keyboard = Keyboard(())
    current = call.world.message(conversation, number)
    call.world.bot.edit(conversation, number, current.text if text is None else text, keyboard)


async def edit_message(call: MaxCall) -> dict[str, Any]:
    """`PUT /messages?message_id=`: only the bot's own messages (NOTES §4)."""
    conversation, number = call.front.ids.locate(call.world, call.query.get("message_id", ""))
    _change(call, conversation, number, call.json())
    return OK


async def delete_message(call: MaxCall) -> dict[str, Any]:
    """`DELETE /messages?message_id=`; others' messages need `write` (NOTES §4)."""
    conversation, number = call.front.ids.locate(call.world, call.query.get("message_id", ""))
    message = call.world.message(conversation, number)
    if message.deleted:
        raise NotDone("Message not found")
    if message.from_id != BOT:
        if isinstance(conversation, Dialog):  # Go #132: intended, not a missing right
            raise MaxApiError(403, "access.denied", "Insufficient permissions to delete message")
        if isinstance(conversation, Chat):
            call.require_right(conversation, "write")
    call.world.bot.delete(conversation, number, for_all=True)
    return OK


async def answer(call: MaxCall) -> dict[str, Any]:
    """`POST /answers?callback_id=`: a notification for the presser and/or a new message."""
    body = call.json() if call.body is not None else {}
    press = call.world.presses.get(call.query.get("callback_id", ""))
    if press is None:
        raise NotDone("Not found: no open callback with this id")
    notification = body.get("notification")
    if notification is not None and not isinstance(notification, str):
        raise bad("notification must be a string")
    if body.get("message") is not None:
        if not isinstance(body["message"], dict):
            raise bad("message must be a NewMessageBody")
        _change(call, press.conversation, press.message_id, body["message"])
    call.world.bot.answer_press(press.event_id, press.user_id, body)
    return OK
