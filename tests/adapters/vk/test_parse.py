"""`parse_update`: every shape from NOTES §2 and §5, and never an exception."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.base import EventKind
from adapters.vk_messenger import mentions_in, parse_update

GROUP = 42
CHAT = 2_000_000_007


def message_new(text: str = "hi", **message: Any) -> dict[str, Any]:
    """NOTES §2 example `message_new`, API 5.199 shape."""
    msg: dict[str, Any] = {
        "id": 0,
        "conversation_message_id": 1532,
        "peer_id": CHAT,
        "from_id": 1111,
        "date": 1737450000,
        "out": 0,
        "version": 100500,
        "text": text,
        "attachments": [],
        "fwd_messages": [],
        "important": False,
        "is_hidden": False,
    }
    msg.update(message)
    return {
        "type": "message_new",
        "event_id": "e1f0",
        "v": "5.199",
        "group_id": GROUP,
        "object": {"message": msg, "client_info": {"button_actions": ["text"], "lang_id": 0}},
    }


def action(kind: str, from_id: int = 1111, **fields: Any) -> dict[str, Any]:
    return message_new("", from_id=from_id, action={"type": kind, **fields})


def test_chat_message() -> None:
    raw = message_new(
        "спасибо",
        reply_message={"conversation_message_id": 1530, "from_id": 2222, "date": 1, "text": "x"},
    )
    event = parse_update(raw)
    assert event is not None
    assert event.kind is EventKind.MESSAGE
    assert (event.platform, event.chat_id, event.user_id, event.actor_id) == (
        "vk", str(CHAT), "1111", "1111",
    )  # fmt: skip
    assert event.message_id == "1532"
    assert event.text == "спасибо"
    assert event.timestamp == 1737450000.0
    assert not event.is_private
    assert event.event_id == "e1f0"
    assert event.key == "vk:e1f0"
    assert (event.reply_to_message_id, event.reply_to_user_id) == ("1530", "2222")
    assert event.raw is raw


def test_private_message_and_legacy_shape() -> None:
    raw = message_new("привет", peer_id=1111)
    raw["object"] = raw["object"]["message"]  # API < 5.103 puts the message in `object`
    event = parse_update(raw)
    assert event is not None
    assert event.is_private and event.chat_id == "1111"


def test_message_edit_object_is_the_message() -> None:
    raw = message_new("fixed")
    raw = {**raw, "type": "message_edit", "object": raw["object"]["message"]}
    event = parse_update(raw)
    assert event is not None and event.kind is EventKind.MESSAGE_EDITED
    assert event.text == "fixed" and event.message_id == "1532"


def test_text_button_payload_in_a_message() -> None:
    event = parse_update(message_new("Правила", payload='{"cmd":"rules"}'))
    assert event is not None and event.payload == {"cmd": "rules"}


@pytest.mark.parametrize("payload", [{"cmd": "ack", "uid": 5}, '{"cmd":"ack","uid":5}'])
def test_button_press(payload: Any) -> None:
    raw = {
        "type": "message_event",
        "event_id": "lp-1",
        "v": "5.199",
        "group_id": GROUP,
        "object": {"user_id": 1111, "peer_id": CHAT, "event_id": "3159dc190b1f",
                   "payload": payload, "conversation_message_id": 1540},
    }  # fmt: skip
    event = parse_update(raw)
    assert event is not None and event.kind is EventKind.BUTTON
    assert event.payload == {"cmd": "ack", "uid": 5}
    assert (event.chat_id, event.user_id, event.message_id) == (str(CHAT), "1111", "1540")
    assert event.event_id == "lp-1" and event.timestamp > 0


def test_button_with_broken_payload_has_empty_payload() -> None:
    obj = {"user_id": 1, "peer_id": CHAT, "event_id": "x", "payload": "{not json"}
    raw = {"type": "message_event", "group_id": GROUP, "object": obj}
    event = parse_update(raw)
    assert event is not None and event.payload == {}


def test_mentions() -> None:
    text = "[club42|@etiket] /warn [id123|Вася] и @id456, ещё [id123|Вася] @idiot"
    assert mentions_in(text) == ("123", "456")
    event = parse_update(message_new(text))
    assert event is not None and event.mentions == ("123", "456")
    assert mentions_in("просто текст") == ()


@pytest.mark.parametrize(
    ("raw", "kind", "user", "actor"),
    [
        (action("chat_invite_user", member_id=3333), EventKind.MEMBER_JOINED, "3333", "1111"),
        (action("chat_invite_user_by_link", from_id=3333), EventKind.MEMBER_JOINED, "3333", "3333"),
        (action("chat_kick_user", member_id=3333), EventKind.MEMBER_LEFT, "3333", "1111"),
        (action("chat_kick_user", from_id=3333, member_id=3333), EventKind.MEMBER_LEFT, "3333",
         "3333"),
        (action("chat_kick_user", member_id=-GROUP), EventKind.BOT_REMOVED, str(-GROUP), "1111"),
        (action("chat_invite_user", member_id=-GROUP), EventKind.BOT_ADDED, str(-GROUP), "1111"),
        (action("chat_kick_user", from_id=-GROUP, member_id=7), EventKind.MEMBER_LEFT, "7",
         str(-GROUP)),
    ],
)  # fmt: skip
def test_chat_actions(raw: dict[str, Any], kind: EventKind, user: str, actor: str) -> None:
    event = parse_update(raw)
    assert event is not None
    assert (event.kind, event.user_id, event.actor_id) == (kind, user, actor)
    assert event.chat_id == str(CHAT) and event.event_id == "e1f0"


def test_skipped_updates_are_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="adapters.vk_messenger.parse")
    assert parse_update(action("chat_title_update", text="9Б")) is None
    assert parse_update({"type": "wall_post_new", "object": {}}) is None
    assert parse_update(message_new("echo", from_id=-GROUP)) is None  # our own message
    assert parse_update({"type": "message_new", "object": {"message": {"peer_id": "x"}}}) is None
    assert len(caplog.records) >= 3
    assert all(r.levelno == logging.DEBUG for r in caplog.records)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                  max_size=4),
    max_leaves=20,
)  # fmt: skip
TYPES = st.sampled_from(["message_new", "message_edit", "message_event", "confirmation", "x"])


@given(st.one_of(json_values, st.builds(lambda t, o: {"type": t, "object": o}, TYPES, json_values)))
def test_random_input_never_raises(raw: Any) -> None:
    parse_update(raw)


SEEDS = [
    message_new("[id1|a] hi", reply_message={"conversation_message_id": 1, "from_id": 2}),
    action("chat_invite_user", member_id=5),
    {"type": "message_event", "group_id": GROUP, "event_id": "e",
     "object": {"user_id": 1, "peer_id": CHAT, "event_id": "x", "payload": {"a": 1}}},
]  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.data())
def test_mutated_payloads_never_raise(seed: dict[str, Any], data: st.DataObject) -> None:
    raw = copy.deepcopy(seed)
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(_paths(raw)))
        parent = raw
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values)
        if not _paths(raw):
            break
    event = parse_update(raw)
    if event is not None:
        json.dumps(dict(event.payload))  # whatever came out is plain data
