"""Updates shaped like the MAX schema and NOTES §3.3 (values made up)."""

from __future__ import annotations

from typing import Any

CHAT = -70801090403050
BOT = 229229229
JOHN, ANN, TOD = 123456789, 234567890, 398398398
TS = 1775025604499


def user(uid: int, first: str = "Ann", *, bot: bool = False) -> dict[str, Any]:
    return {
        "user_id": uid,
        "first_name": first,
        "last_name": None,
        "username": None,
        "is_bot": bot,
        "last_activity_time": TS,
        "name": first,
    }


def message(
    mid: str = "mid.1",
    text: str | None = "hello",
    *,
    sender: int = JOHN,
    chat_id: int = CHAT,
    chat_type: str = "chat",
    markup: list[dict[str, Any]] | None = None,
    reply_to: tuple[str, int] | None = None,
) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "sender": user(sender, "John"),
        "recipient": {
            "chat_id": chat_id,
            "chat_type": chat_type,
            "user_id": sender if chat_type == "dialog" else None,
        },
        "timestamp": TS,
        "body": {"mid": mid, "seq": 116327994376978687, "text": text, "attachments": []},
    }
    if markup is not None:
        msg["body"]["markup"] = markup
    if reply_to is not None:
        msg["link"] = {
            "type": "reply",
            "sender": user(reply_to[1], "Tod"),
            "message": {"mid": reply_to[0], "seq": 1, "text": "original", "attachments": None},
        }
    return msg


def created(**kw: Any) -> dict[str, Any]:
    return {"update_type": "message_created", "timestamp": TS, "message": message(**kw)}


def edited(**kw: Any) -> dict[str, Any]:
    return {"update_type": "message_edited", "timestamp": TS + 5, "message": message(**kw)}


def callback(payload: str = '{"a":"ban","u":1}', *, with_message: bool = True) -> dict[str, Any]:
    msg = message("mid.kb", "Ban Ann?", sender=BOT) if with_message else None
    return {
        "update_type": "message_callback",
        "timestamp": TS,
        "callback": {
            "timestamp": TS,
            "callback_id": "f9LHodD0cOJf4_Dk",
            "payload": payload,
            "user": user(JOHN, "John"),
        },
        "message": msg,
    }


def membership(kind: str, who: int = ANN, actor: int | None = JOHN) -> dict[str, Any]:
    update: dict[str, Any] = {
        "update_type": kind,
        "timestamp": TS,
        "chat_id": CHAT,
        "is_channel": False,
        "user": user(who),
    }
    if kind == "user_added":
        update["inviter_id"] = actor
    elif kind == "user_removed" and actor is not None:
        update["admin_id"] = actor
    return update
