"""Raw VK updates (Bots Long Poll and Callback API share one envelope) into `Event`s.

This sits on the hot path of every incoming update, so it reads dicts directly with
`type(x) is int`-style checks instead of validating models. Anything it does not
understand becomes None, logged at debug level; it never raises (a hypothesis test
feeds it random and mutated payloads).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping
from typing import Any

from adapters.base import Event, EventKind

__all__ = ["CHAT_PEER_BASE", "mentions_in", "parse_update"]

log = logging.getLogger(__name__)

CHAT_PEER_BASE = 2_000_000_000
"""NOTES §0: `peer_id = 2000000000 + chat_id` for chats; positive below it = a person."""
_INT64 = 2**63

_MENTION = re.compile(r"\[id([0-9]{1,19})\||@id([0-9]{1,19})(?![0-9])")  # `\d` passes "١٢"
_JOINS = frozenset(
    ("chat_invite_user", "chat_invite_user_by_link", "chat_invite_user_by_message_request")
)
_PLATFORM = "vk"


def mentions_in(text: str) -> tuple[str, ...]:
    """User ids mentioned as `[id123|Name]` or `@id123`, first occurrence order, no repeats.

    Community mentions (`[club42|…]`) are left out on purpose: in chats VK prepends the
    bot's own mention to commands, and a handler taking "the first mention" as its
    target must not find the bot there.
    """
    if "id" not in text:
        return ()
    found: dict[str, None] = {}
    for bracket, at in _MENTION.findall(text):
        found[bracket or at] = None
    return tuple(found)


def parse_update(raw: Mapping[str, Any]) -> Event | None:
    """One update envelope (`{"type", "object", "group_id", "event_id", ...}`) to an Event."""
    try:
        kind = raw["type"]
        if kind == "message_new":
            obj = raw["object"]
            # NOTES §2: API ≥ 5.103 nests the message; older versions put it in `object`.
            msg = obj.get("message", obj)
            return _message(raw, msg, EventKind.MESSAGE)
        if kind == "message_edit":
            return _message(raw, raw["object"], EventKind.MESSAGE_EDITED)
        if kind == "message_event":
            return _button(raw, raw["object"])
        log.debug("vk update of type %r skipped", kind)
        return None
    except Exception as exc:  # malformed input of any shape: skip, never crash the loop
        log.debug("malformed vk update skipped: %r", exc)
        return None


def _is_id(value: Any) -> bool:
    """VK ids are int64 (objects.json `format: int64`); anything else is not a person."""
    return type(value) is int and -_INT64 <= value < _INT64


def _event_id(raw: Mapping[str, Any]) -> str:
    eid = raw.get("event_id")
    return eid if type(eid) is str else ""


def _message(raw: Mapping[str, Any], msg: Mapping[str, Any], kind: EventKind) -> Event | None:
    peer = msg["peer_id"]
    author = msg["from_id"]
    text = msg.get("text", "")
    if not _is_id(peer) or not _is_id(author) or type(text) is not str or peer <= 0:
        log.debug("vk message without a usable peer, author or text skipped")
        return None
    action = msg.get("action")
    if action is not None:
        return _action(raw, msg, action, peer, author)
    group = raw.get("group_id")
    if type(group) is int and author == -group:
        return None  # our own message echoed back: handling it could loop
    cmid = msg.get("conversation_message_id")
    date = msg.get("date", 0)
    payload: Mapping[str, Any] = {}
    if "payload" in msg:  # a text keyboard button: NOTES §2, `payload` is a JSON string
        payload = _payload(msg["payload"])
    reply_id = reply_user = ""
    reply = msg.get("reply_message")
    if type(reply) is dict:
        r_cmid, r_from = reply.get("conversation_message_id"), reply.get("from_id")
        reply_id = str(r_cmid) if type(r_cmid) is int else ""
        reply_user = str(r_from) if _is_id(r_from) else ""
    user = str(author)
    return Event(
        platform=_PLATFORM,
        kind=kind,
        chat_id=str(peer),
        user_id=user,
        # NOTES §2/§8: `id` is 0 in chats; the per-peer cmid is the id that works everywhere.
        message_id=str(cmid) if type(cmid) is int else "",
        actor_id=user,
        text=text,
        payload=payload,
        is_private=peer < CHAT_PEER_BASE,
        timestamp=float(date) if type(date) is int else 0.0,
        raw=raw,
        event_id=_event_id(raw),
        reply_to_message_id=reply_id,
        reply_to_user_id=reply_user,
        mentions=mentions_in(text),
    )


def _action(
    raw: Mapping[str, Any], msg: Mapping[str, Any], action: Any, peer: int, author: int
) -> Event | None:
    """Service messages about membership (NOTES §2 "Service action")."""
    if type(action) is not dict:
        return None
    name = action.get("type")
    member = action.get("member_id")
    if member is None:
        member = author  # by link: the joiner is the author when member_id is absent
    elif not _is_id(member):
        return None  # someone we cannot name: never record it as the author's doing
    group = raw.get("group_id")
    about_bot = type(group) is int and member == -group
    if name in _JOINS:
        kind = EventKind.BOT_ADDED if about_bot else EventKind.MEMBER_JOINED
    elif name == "chat_kick_user":
        kind = EventKind.BOT_REMOVED if about_bot else EventKind.MEMBER_LEFT
    else:
        log.debug("vk chat action %r skipped", name)
        return None
    cmid = msg.get("conversation_message_id")
    date = msg.get("date", 0)
    return Event(
        platform=_PLATFORM,
        kind=kind,
        chat_id=str(peer),
        user_id=str(member),
        message_id=str(cmid) if type(cmid) is int else "",
        actor_id=str(author),
        is_private=peer < CHAT_PEER_BASE,
        timestamp=float(date) if type(date) is int else 0.0,
        raw=raw,
        event_id=_event_id(raw),
    )


def _button(raw: Mapping[str, Any], obj: Mapping[str, Any]) -> Event | None:
    """A callback button press (NOTES §5: payload arrives as an object, typed string)."""
    user = obj["user_id"]
    peer = obj["peer_id"]
    if not _is_id(user) or not _is_id(peer) or peer <= 0:
        return None
    cmid = obj.get("conversation_message_id")
    return Event(
        platform=_PLATFORM,
        kind=EventKind.BUTTON,
        chat_id=str(peer),
        user_id=str(user),
        message_id=str(cmid) if type(cmid) is int else "",
        actor_id=str(user),
        payload=_payload(obj.get("payload")),
        is_private=peer < CHAT_PEER_BASE,
        timestamp=time.time(),  # a press carries no date; its arrival is what counts
        raw=raw,
        event_id=_event_id(raw),
    )


def _payload(value: Any) -> Mapping[str, Any]:
    if type(value) is dict:
        return value
    if type(value) is str and value:
        try:
            decoded = json.loads(value)
        except ValueError:
            return {}
        if type(decoded) is dict:
            return decoded
    return {}
