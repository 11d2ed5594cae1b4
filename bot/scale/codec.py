"""Events as Redis Stream entries and back.

A stream entry is a flat map of byte strings; the event travels as one JSON
document under `e`, with every field the dispatcher and the adapters read later
(`raw` included: answering a button press needs the platform's callback id).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.base import Event, EventKind

__all__ = ["BadEntry", "decode_event", "encode_event"]

FIELD = b"e"


class BadEntry(ValueError):
    """A stream entry that is not an event this version can read."""


def encode_event(event: Event) -> dict[bytes, bytes]:
    doc = {
        "platform": event.platform,
        "kind": event.kind.value,
        "chat_id": event.chat_id,
        "user_id": event.user_id,
        "message_id": event.message_id,
        "actor_id": event.actor_id,
        "text": event.text,
        "payload": dict(event.payload),
        "is_private": event.is_private,
        "timestamp": event.timestamp,
        "raw": dict(event.raw),
        "event_id": event.event_id,
        "reply_to_message_id": event.reply_to_message_id,
        "reply_to_user_id": event.reply_to_user_id,
        "mentions": list(event.mentions),
    }
    return {FIELD: json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()}


def decode_event(fields: Mapping[bytes, bytes]) -> Event:
    try:
        doc: dict[str, Any] = json.loads(fields[FIELD])
        return Event(
            platform=str(doc["platform"]),
            kind=EventKind(doc["kind"]),
            chat_id=str(doc["chat_id"]),
            user_id=str(doc["user_id"]),
            message_id=str(doc.get("message_id", "")),
            actor_id=str(doc.get("actor_id", "")),
            text=str(doc.get("text", "")),
            payload=dict(doc.get("payload") or {}),
            is_private=bool(doc.get("is_private", False)),
            timestamp=float(doc.get("timestamp", 0.0)),
            raw=dict(doc.get("raw") or {}),
            event_id=str(doc.get("event_id", "")),
            reply_to_message_id=str(doc.get("reply_to_message_id", "")),
            reply_to_user_id=str(doc.get("reply_to_user_id", "")),
            mentions=tuple(str(m) for m in doc.get("mentions") or ()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadEntry(f"unreadable stream entry: {exc!r}") from exc
