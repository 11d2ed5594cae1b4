"""Well-formed raw updates the fuzzer starts from, one builder per shape.

Shapes follow the tests in `tests/adapters` and the references in
`shared/reference/vk/NOTES.md` (§2 envelope, §5 `message_event`) and
`shared/reference/max/schema.yaml` (`Update` and its discriminator). Button
payloads are the ones etiket itself puts under its messages, so a seed that
survives mutation reaches the button handlers, not only the parser.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.handlers.announce import CANCEL as ANNOUNCE_NO
from bot.handlers.announce import CONFIRM as ANNOUNCE_OK
from bot.services import ACKNOWLEDGE, PROPOSE_BLOCK
from bot.services.consent_common import APOLOGIZE, CONFIRM, OBJECT, OPEN, REJECT
from bot.services.curators import CURATOR_WARNING, REVIEW

Raw = dict[str, Any]
Seed = Callable[[str], Raw]
"""A builder taking the message text (ignored by shapes that carry none)."""


@dataclass(frozen=True)
class Seeds:
    """One platform's shapes: messages (cheap to handle unless they are commands) and
    the rest (presses, joins and leaves, types etiket skips), which touch the database."""

    messages: tuple[Seed, ...]
    others: tuple[Seed, ...]


TEACHER, COLLEAGUE = 101, 102
"""The chat's owner and a second admin: their commands get past the moderator check."""
STUDENTS = (201, 202, 203, 204)
CHATTERS = 10_000
"""The first of the students `stamp` gives chat messages to."""

VK_GROUP = 42
VK_CHAT, VK_STAFF = 2_000_000_001, 2_000_000_002
MAX_BOT = 229229229
MAX_CHAT, MAX_STAFF = -70801090403050, -70801090403051
MAX_TS = 1775025604499
VK_DATE = 1737450000

PAYLOADS: tuple[dict[str, Any], ...] = (
    {"cmd": ACKNOWLEDGE},
    {"cmd": PROPOSE_BLOCK, "c": str(VK_CHAT), "u": str(STUDENTS[0]), "d": 7, "r": "obscene"},
    {"cmd": REVIEW, "f": 1, "a": "warn"},
    {"cmd": REVIEW, "f": 2, "a": "fp"},
    {"cmd": CURATOR_WARNING, "c": str(VK_CHAT), "n": 1, "a": "void"},
    {"cmd": CURATOR_WARNING, "c": str(VK_CHAT), "n": 1, "a": "ok"},
    {"cmd": APOLOGIZE, "b": 1},
    {"cmd": OPEN, "a": 1},
    {"cmd": REJECT, "a": 1},
    {"cmd": OBJECT, "w": 1},
    {"cmd": CONFIRM, "w": 1},
    {"cmd": ANNOUNCE_OK, "id": 1},
    {"cmd": ANNOUNCE_NO, "id": "1"},
    {"cmd": "roster_depart", "p": "s1"},
    {"cmd": "ping_ok"},
    {"cmd": "unknown_button"},
)


# -- VK: Bots Long Poll and Callback API share one envelope (NOTES §2) --------


def _vk(kind: str, obj: Any, event_id: str = "e1") -> Raw:
    return {"type": kind, "event_id": event_id, "v": "5.199", "group_id": VK_GROUP, "object": obj}


def vk_message(
    text: str, *, peer: int = VK_CHAT, author: int = TEACHER, cmid: int = 1532, **extra: Any
) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "id": 0,
        "conversation_message_id": cmid,
        "peer_id": peer,
        "from_id": author,
        "date": VK_DATE,
        "out": 0,
        "version": 100500,
        "text": text,
        "attachments": [],
        "fwd_messages": [],
        "important": False,
        "is_hidden": False,
    }
    msg.update(extra)
    return msg


def vk_message_new(text: str, **kw: Any) -> Raw:
    client = {"button_actions": ["text", "callback"], "keyboard": True, "lang_id": 0}
    return _vk("message_new", {"message": vk_message(text, **kw), "client_info": client})


def vk_action(kind: str, member: int | None, author: int = TEACHER, peer: int = VK_CHAT) -> Raw:
    action: dict[str, Any] = {"type": kind}
    if member is not None:
        action["member_id"] = member
    return vk_message_new("", author=author, peer=peer, action=action)


def vk_button(payload: Any, user: int = TEACHER, peer: int = VK_CHAT) -> Raw:
    obj = {
        "user_id": user,
        "peer_id": peer,
        "event_id": "3159dc190b1f",
        "payload": payload,
        "conversation_message_id": 1540,
    }
    return _vk("message_event", obj, "lp-1")


def _vk_seeds() -> Seeds:
    s0, s1 = STUDENTS[0], STUDENTS[1]
    reply = {"conversation_message_id": 1530, "from_id": s0, "date": 1, "text": "x"}
    messages: list[Seed] = [
        lambda t: vk_message_new(t),
        lambda t: vk_message_new(t, author=COLLEAGUE),
        lambda t: vk_message_new(t, author=s0),
        lambda t: vk_message_new(t, reply_message=reply),
        lambda t: vk_message_new(t, peer=VK_STAFF),
        lambda t: vk_message_new(t, peer=TEACHER),  # a private message to the community
        lambda t: vk_message_new(t, author=s1, payload='{"cmd":"rules"}'),
        lambda t: _vk("message_new", vk_message(t, author=s1)),  # API < 5.103: no nesting
        lambda t: _vk("message_edit", vk_message(t, author=s0)),
        lambda t: vk_message_new(t, author=-VK_GROUP),  # our own echo
    ]
    seeds: list[Seed] = [
        lambda t: vk_action("chat_invite_user", STUDENTS[2]),
        lambda t: vk_action("chat_invite_user_by_link", None, author=STUDENTS[3]),
        lambda t: vk_action("chat_kick_user", s1),
        lambda t: vk_action("chat_invite_user", -VK_GROUP),
        lambda t: vk_action("chat_kick_user", -VK_GROUP),
        lambda t: vk_action("chat_title_update", None),
        lambda t: _vk("message_typing_state", {"state": "typing", "from_id": s0, "to_id": 1}),
        lambda t: _vk("group_join", {"user_id": s0, "join_type": "join"}),
        lambda t: {"type": "confirmation", "group_id": VK_GROUP},
    ]
    for payload in PAYLOADS:
        seeds.append(lambda t, p=payload: vk_button(p))
        seeds.append(lambda t, p=payload: vk_button(json.dumps(p), user=s0, peer=s0))
    return Seeds(tuple(messages), tuple(seeds))


# -- MAX: items of GET /updates (schema `Update`) --------------------------------


def _user(uid: int, name: str = "Ann") -> dict[str, Any]:
    return {"user_id": uid, "first_name": name, "last_name": None, "username": None,
            "is_bot": False, "last_activity_time": MAX_TS, "name": name}  # fmt: skip


def max_message(
    text: str, *, sender: int = TEACHER, chat: int = MAX_CHAT, dialog: bool = False, **extra: Any
) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "sender": _user(sender, "John"),
        "recipient": {
            "chat_id": chat,
            "chat_type": "dialog" if dialog else "chat",
            "user_id": sender if dialog else None,
        },
        "timestamp": MAX_TS,
        "body": {"mid": "mid.1", "seq": 116327994376978687, "text": text, "attachments": []},
    }
    msg.update(extra)
    return msg


def _max(kind: str, **fields: Any) -> Raw:
    return {"update_type": kind, "timestamp": MAX_TS, **fields}


def max_created(text: str, **kw: Any) -> Raw:
    return _max("message_created", message=max_message(text, **kw))


def max_callback(payload: str, user: int = TEACHER, *, with_message: bool = True) -> Raw:
    msg = max_message("Кнопки", sender=MAX_BOT) if with_message else None
    cb = {"timestamp": MAX_TS, "callback_id": "f9LHodD0cOJf4_Dk", "payload": payload,
          "user": _user(user, "John")}  # fmt: skip
    return {"update_type": "message_callback", "timestamp": MAX_TS, "callback": cb, "message": msg}


def max_membership(kind: str, who: int, actor: int | None = TEACHER, chat: int = MAX_CHAT) -> Raw:
    update: Raw = {"update_type": kind, "timestamp": MAX_TS, "chat_id": chat,
                   "is_channel": False, "user": _user(who)}  # fmt: skip
    if kind == "user_added":
        update["inviter_id"] = actor
    elif kind == "user_removed" and actor is not None:
        update["admin_id"] = actor
    return update


def _max_seeds() -> Seeds:
    s0, s1 = STUDENTS[0], STUDENTS[1]
    markup = [{"type": "user_mention", "from": 6, "length": 4, "user_id": s1}]
    by_name = [{"type": "user_mention", "from": 6, "length": 6, "user_link": "@vasya"}]
    original = {"mid": "mid.0", "seq": 1, "text": "original", "attachments": None}
    link = {"type": "reply", "sender": _user(s0, "Tod"), "message": original}
    messages: list[Seed] = [
        lambda t: max_created(t),
        lambda t: max_created(t, sender=COLLEAGUE),
        lambda t: max_created(t, sender=s0),
        lambda t: max_created(t, link=link),
        lambda t: max_created(t, chat=MAX_STAFF),
        lambda t: max_created(t, dialog=True, chat=TEACHER * 1000),
        lambda t: max_created(t, body={"mid": "mid.2", "seq": 2, "text": t, "markup": markup}),
        lambda t: max_created(t, body={"mid": "mid.3", "text": t, "markup": by_name}),
        lambda t: {**max_created(t, sender=s0), "update_type": "message_edited"},
    ]
    seeds: list[Seed] = [
        lambda t: max_membership("user_added", STUDENTS[2]),
        lambda t: max_membership("user_added", STUDENTS[3], actor=None),
        lambda t: max_membership("user_removed", s1),
        lambda t: max_membership("user_removed", s1, actor=None),
        lambda t: max_membership("bot_added", TEACHER),
        lambda t: max_membership("bot_removed", TEACHER),
        lambda t: _max("message_removed", message_id="mid.1", chat_id=MAX_CHAT, user_id=s0),
        lambda t: _max("bot_started", chat_id=5, user=_user(s0), payload=t[:64]),
        lambda t: _max("chat_title_changed", chat_id=MAX_CHAT, user=_user(TEACHER), title=t[:64]),
    ]
    for payload in PAYLOADS:
        text = json.dumps({**payload, "c": str(MAX_CHAT)} if "c" in payload else payload)
        seeds.append(lambda t, p=text: max_callback(p))
        seeds.append(lambda t, p=text: max_callback(p, user=s0, with_message=False))
    seeds.append(lambda t: max_callback("plain text payload"))
    return Seeds(tuple(messages), tuple(seeds))


def stamp(raw: Raw, serial: int) -> Raw:
    """Fresh delivery ids, so the intake's dedup does not drop the next input as a
    redelivery: VK `event_id` and cmid, MAX `mid` and time (MAX keys events by them).

    Chat talk (not a command) gets one of many authors: four people writing a
    thousand messages a second would make every message a flood finding.
    """
    author = CHATTERS + serial % 5000
    if "event_id" in raw:
        raw["event_id"] = f"fz{serial}"
    obj = raw.get("object")
    msg = obj.get("message", obj) if isinstance(obj, dict) else None
    if isinstance(msg, dict) and "conversation_message_id" in msg:
        msg["conversation_message_id"] = 10_000 + serial
        talk = "action" not in msg and not _command(msg.get("text"))
        if talk and type(msg.get("from_id")) is int and msg["from_id"] > 0:  # not our echo
            msg["from_id"] = author
    if "update_type" in raw:
        raw["timestamp"] = MAX_TS + serial
        message = raw.get("message") or {}
        if isinstance(message.get("body"), dict):
            message["body"]["mid"] = f"mid.{serial}"
        sender, body = message.get("sender"), message.get("body") or {}
        talk = not _command(body.get("text"))
        if talk and isinstance(sender, dict) and sender["user_id"] != MAX_BOT:
            sender["user_id"] = author
        if isinstance(raw.get("callback"), dict):
            raw["callback"]["timestamp"] = MAX_TS + serial
    return raw


def _command(text: Any) -> bool:
    return isinstance(text, str) and text.lstrip().startswith(("/", "["))


SEEDS = {"vk": _vk_seeds(), "max": _max_seeds()}
