"""MAX updates → normalized `Event`s. The hot path: plain dict access, no models.

Parsing is lenient on purpose (NOTES §7): payloads arrive without `message`, with new
permission strings or with types we do not know. Anything we cannot read becomes
`None` and a debug line, never an exception that would stall polling.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from adapters.base import Event, EventKind

__all__ = ["callback_id_of", "parse_payload", "parse_update"]

log = logging.getLogger("etiket.max.parse")

PLATFORM = "max"
_MENTION_LINK = re.compile(r"max://user/([0-9]{1,19})(?![0-9])")
_ID = re.compile(r"-?[0-9]{1,19}", re.ASCII)  # not `isdigit`: it passes "²" and "١٢"
_INT64 = 2**63


def _id(value: Any) -> str:
    """Ids are int64 on the wire (chat ids negative, NOTES §2); strings inside etiket."""
    if type(value) is int and -_INT64 <= value < _INT64:
        return str(value)
    if type(value) is str and _ID.fullmatch(value) and -_INT64 <= int(value) < _INT64:
        return value
    raise ValueError(f"not an id: {value!r}")


def _mid(value: Any) -> str:
    """A message id: a string in the schema (`mid`); never `str()` of whatever came."""
    if (type(value) is str and value) or type(value) is int:
        return str(value)
    raise ValueError(f"not a message id: {value!r}")


def _seconds(value: Any) -> float:
    """`timestamp` is Unix time in ms, int64 (NOTES §2); NaN or a string is no time."""
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return value / 1000  # OverflowError for an int beyond float: skipped as malformed
    raise ValueError(f"not a timestamp: {value!r}")


def _opt_id(value: Any) -> str:
    return "" if value is None else _id(value)


def _user_id(user: Any) -> str:
    return _id(user["user_id"]) if user else ""


def parse_payload(payload: Any) -> dict[str, Any]:
    """A callback payload as a dict: our buttons send a JSON object, others plain text."""
    if not isinstance(payload, str) or not payload:
        return {}
    if payload[0] == "{":
        try:
            data = json.loads(payload)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
    return {"data": payload}


def _mentions(body: Mapping[str, Any], text: str) -> tuple[str, ...]:
    """User ids, or `@username` when MAX gives only that (NOTES §3.3 user_mention)."""
    found: list[str] = []
    for item in body.get("markup") or ():
        if not isinstance(item, dict) or item.get("type") != "user_mention":
            continue  # bad markup must not cost us the message itself
        if type(item.get("user_id")) is int and -_INT64 <= item["user_id"] < _INT64:
            found.append(str(item["user_id"]))
        elif isinstance(item.get("user_link"), str):
            found.append(item["user_link"])
    if "max://user/" in text:
        found.extend(_MENTION_LINK.findall(text))
    return tuple(dict.fromkeys(found))


def _message(update: Mapping[str, Any], kind: EventKind, event_id: str) -> Event:
    msg = update["message"]
    body = msg["body"]
    recipient = msg["recipient"]
    text = body.get("text") or ""
    reply_mid = reply_user = ""
    link = msg.get("link")
    if link and link.get("type") == "reply":
        reply = (link.get("message") or {}).get("mid")
        reply_mid = str(reply) if type(reply) is str or type(reply) is int else ""
        reply_user = _user_id(link.get("sender"))
    user = _user_id(msg.get("sender"))  # absent for channel posts
    return Event(
        platform=PLATFORM,
        kind=kind,
        chat_id=_id(recipient["chat_id"]),
        user_id=user,
        actor_id=user,
        message_id=_mid(body["mid"]),
        text=text if isinstance(text, str) else "",
        is_private=recipient.get("chat_type") == "dialog",
        timestamp=_seconds(update["timestamp"]),  # ms on the wire (NOTES §2)
        raw=update,
        event_id=event_id,
        reply_to_message_id=reply_mid,
        reply_to_user_id=reply_user,
        mentions=_mentions(body, text if isinstance(text, str) else ""),
    )


def _created(update: Mapping[str, Any]) -> Event:
    return _message(update, EventKind.MESSAGE, f"msg:{_mid(update['message']['body']['mid'])}")


def _edited(update: Mapping[str, Any]) -> Event:
    # Each edit is its own event; redeliveries repeat the timestamp (NOTES §3.2 dedup).
    mid = _mid(update["message"]["body"]["mid"])
    return _message(update, EventKind.MESSAGE_EDITED, f"edit:{mid}:{update['timestamp']}")


def _callback(update: Mapping[str, Any]) -> Event:
    cb = update["callback"]
    callback_id = str(cb["callback_id"])
    user = _id(cb["user"]["user_id"])  # required (schema `Callback`): a press is someone's
    msg = update.get("message")  # null when the message was deleted first (schema)
    chat_id = mid = ""
    private = False
    if msg:
        chat_id = _opt_id(msg["recipient"].get("chat_id"))
        mid = _mid(msg["body"]["mid"])
        private = msg["recipient"].get("chat_type") == "dialog"
    ts = cb.get("timestamp") or update["timestamp"]
    return Event(
        platform=PLATFORM,
        kind=EventKind.BUTTON,
        chat_id=chat_id,
        user_id=user,
        actor_id=user,
        message_id=mid,
        payload=parse_payload(cb.get("payload")),
        is_private=private,
        timestamp=_seconds(update["timestamp"]),
        raw=update,
        # The schema calls callback_id the keyboard's id, so presses of two people
        # could share it; the presser and time keep them apart. It stays last so
        # `callback_id_of` can cut it back out.
        event_id=f"cb:{ts}:{user}:{callback_id}",
    )


def _membership(kind: EventKind, actor_field: str | None) -> Callable[[Mapping[str, Any]], Event]:
    def build(update: Mapping[str, Any]) -> Event:
        chat_id = _id(update["chat_id"])
        user = _id(update["user"]["user_id"])
        actor = _opt_id(update.get(actor_field)) if actor_field else user
        return Event(
            platform=PLATFORM,
            kind=kind,
            chat_id=chat_id,
            user_id=user,
            actor_id=actor or user,
            timestamp=_seconds(update["timestamp"]),
            raw=update,
            event_id=f"{update['update_type']}:{chat_id}:{user}:{update['timestamp']}",
        )

    return build


_PARSERS: dict[str, Callable[[Mapping[str, Any]], Event]] = {
    "message_created": _created,
    "message_edited": _edited,
    "message_callback": _callback,
    # inviter_id is null for a join by link, admin_id for leaving on one's own (NOTES §3.3);
    # then the person is their own actor.
    "user_added": _membership(EventKind.MEMBER_JOINED, "inviter_id"),
    "user_removed": _membership(EventKind.MEMBER_LEFT, "admin_id"),
    # For bot_added/bot_removed `user` is who added or removed the bot.
    "bot_added": _membership(EventKind.BOT_ADDED, None),
    "bot_removed": _membership(EventKind.BOT_REMOVED, None),
}


def parse_update(raw: Mapping[str, Any]) -> Event | None:
    """One MAX `Update` as an `Event`, or `None` for types we skip and malformed input."""
    try:
        parser = _PARSERS.get(raw["update_type"])
        if parser is None:
            log.debug("skipped a MAX update of type %r", raw.get("update_type"))
            return None
        return parser(raw)
    except Exception as exc:  # lenient by contract: a bad update never stops the loop
        log.debug("skipped a malformed MAX update: %r", exc)
        return None


def callback_id_of(event: Event) -> str:
    """The `callback_id` to answer a press with, from the raw update or the event id."""
    cb = event.raw.get("callback") if event.raw else None
    if isinstance(cb, Mapping) and cb.get("callback_id"):
        return str(cb["callback_id"])
    return event.event_id.split(":", 3)[3] if event.event_id.startswith("cb:") else ""
