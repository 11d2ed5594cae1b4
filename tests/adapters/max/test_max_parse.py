"""parse_update: each MAX update type maps to the right Event; nothing ever raises."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.base import EventKind
from adapters.max_messenger import callback_id_of, parse_payload, parse_update
from tests.adapters.max import samples as s
from tests.adapters.max.schema import check_update

CHAT = str(s.CHAT)


@pytest.mark.parametrize(
    "update",
    [
        s.created(),
        s.edited(),
        s.callback(),
        s.callback(with_message=False),
        s.membership("user_added"),
        s.membership("user_removed", actor=None),
        s.membership("bot_added"),
        s.membership("bot_removed"),
    ],
)
def test_samples_follow_the_schema(update: dict[str, Any]) -> None:
    check_update(update)


def test_message_in_a_group() -> None:
    mention = {"type": "user_mention", "from": 0, "length": 4, "user_id": s.ANN}
    by_name = {"type": "user_mention", "from": 5, "length": 4, "user_link": "@tod"}
    update = s.created(text="@Ann @tod hi", markup=[mention, by_name], reply_to=("mid.0", s.TOD))
    event = parse_update(update)
    assert event is not None
    assert event.kind is EventKind.MESSAGE
    assert (event.platform, event.chat_id, event.user_id) == ("max", CHAT, str(s.JOHN))
    assert event.message_id == "mid.1"
    assert event.text == "@Ann @tod hi"
    assert not event.is_private
    assert event.timestamp == s.TS / 1000
    assert event.reply_to_message_id == "mid.0"
    assert event.reply_to_user_id == str(s.TOD)
    assert event.mentions == (str(s.ANN), "@tod")
    assert event.event_id == "msg:mid.1"
    assert event.raw is update


def test_markdown_mention_in_text_and_private_dialog() -> None:
    event = parse_update(s.created(text="see [Ann](max://user/42)", chat_id=99, chat_type="dialog"))
    assert event is not None
    assert event.is_private and event.chat_id == "99"
    assert event.mentions == ("42",)


def test_missing_text_and_attachments_are_fine() -> None:
    update = s.created(text=None)
    del update["message"]["body"]["attachments"]
    event = parse_update(update)
    assert event is not None and event.text == ""


def test_edits_of_one_message_are_distinct_events() -> None:
    first = parse_update(s.edited())
    later = s.edited()
    later["timestamp"] += 1000
    second = parse_update(later)
    assert first is not None and second is not None
    assert first.kind is EventKind.MESSAGE_EDITED
    assert first.key != second.key
    assert first.key != parse_update(s.created()).key  # type: ignore[union-attr]


def test_button_press() -> None:
    event = parse_update(s.callback('{"a":"ban","u":1}'))
    assert event is not None
    assert event.kind is EventKind.BUTTON
    assert event.payload == {"a": "ban", "u": 1}
    assert (event.chat_id, event.user_id, event.message_id) == (CHAT, str(s.JOHN), "mid.kb")
    assert callback_id_of(event) == "f9LHodD0cOJf4_Dk"


def test_button_press_without_raw_still_answerable() -> None:
    event = parse_update(s.callback())
    assert event is not None
    stripped = type(event)(**{**_fields(event), "raw": {}})
    assert callback_id_of(stripped) == "f9LHodD0cOJf4_Dk"


def test_button_on_a_deleted_message_and_plain_payload() -> None:
    event = parse_update(s.callback("ban:234567890", with_message=False))
    assert event is not None
    assert event.payload == {"data": "ban:234567890"}
    assert event.chat_id == "" and event.user_id == str(s.JOHN)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [("", {}), ("[1]", {"data": "[1]"}), ("{bad", {"data": "{bad"}), ('{"k":1}', {"k": 1})],
)
def test_parse_payload(payload: str, expected: dict[str, Any]) -> None:
    assert parse_payload(payload) == expected


def test_membership_events() -> None:
    joined = parse_update(s.membership("user_added"))
    by_link = parse_update(s.membership("user_added", actor=None))
    removed = parse_update(s.membership("user_removed"))
    left = parse_update(s.membership("user_removed", actor=None))
    assert joined and by_link and removed and left
    assert joined.kind is EventKind.MEMBER_JOINED and joined.actor_id == str(s.JOHN)
    assert by_link.actor_id == str(s.ANN)
    assert removed.kind is EventKind.MEMBER_LEFT and removed.actor_id == str(s.JOHN)
    assert left.actor_id == str(s.ANN)
    assert joined.user_id == str(s.ANN) and joined.chat_id == CHAT
    assert joined.key != removed.key


def test_bot_added_and_removed() -> None:
    added = parse_update(s.membership("bot_added", who=s.JOHN))
    removed = parse_update(s.membership("bot_removed", who=s.JOHN))
    assert added and removed
    assert (added.kind, removed.kind) == (EventKind.BOT_ADDED, EventKind.BOT_REMOVED)
    assert added.user_id == str(s.JOHN) and added.chat_id == CHAT


def test_unknown_and_malformed_are_skipped_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, "etiket.max.parse")
    no_message = {"update_type": "message_created", "timestamp": s.TS}  # maxapi #191
    assert parse_update({"update_type": "dialog_muted", "timestamp": 1}) is None
    assert parse_update(no_message) is None
    assert parse_update({}) is None
    assert parse_update([]) is None  # type: ignore[arg-type]
    assert all(r.levelno == logging.DEBUG for r in caplog.records)
    assert len(caplog.records) == 4


def _fields(event: Any) -> dict[str, Any]:
    return {name: getattr(event, name) for name in event.__slots__}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
VALID = [
    s.created(),
    s.edited(),
    s.callback(),
    s.membership("user_added"),
    s.membership("bot_added"),
]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), json_values, max_size=6))
def test_random_dicts_never_raise(raw: dict[str, Any]) -> None:
    parse_update(raw)
    parse_update({**raw, "update_type": "message_created"})


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(VALID), st.data())
def test_mutated_updates_never_raise(update: dict[str, Any], data: st.DataObject) -> None:
    mutated = copy.deepcopy(update)
    node: Any = mutated
    for _ in range(data.draw(st.integers(0, 4))):  # walk down a random path
        keys = list(node) if isinstance(node, dict) else []
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        if data.draw(st.booleans()) or not isinstance(node[key], dict):
            if data.draw(st.booleans()):
                del node[key]
            else:
                node[key] = data.draw(json_values)
            break
        node = node[key]
    event = parse_update(mutated)
    assert event is None or event.platform == "max"
