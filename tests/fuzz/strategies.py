"""Hypothesis strategies for raw updates: the schema's shapes, each field sometimes
replaced by any JSON value, so generation explores near-valid updates cheaply."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.mutate import COMMANDS, ODD_VALUES
from tests.fuzz.seeds import (
    COLLEAGUE,
    MAX_CHAT,
    MAX_STAFF,
    PAYLOADS,
    STUDENTS,
    TEACHER,
    VK_CHAT,
    VK_GROUP,
    VK_STAFF,
)

__all__ = ["command_texts", "max_updates", "vk_updates"]

Strategy = st.SearchStrategy[Any]

_scalars: Strategy = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),  # NaN and infinities included
    st.text(max_size=20),
    st.sampled_from(ODD_VALUES),
)
json_values: Strategy = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=3,
)


def field(good: Strategy) -> Strategy:
    """The right kind of value, or (one time in six) any JSON value at all."""
    return st.sampled_from(range(6)).flatmap(lambda n: json_values if n == 5 else good)


_known = st.sampled_from((TEACHER, COLLEAGUE, *STUDENTS))
people: Strategy = st.one_of(
    _known, _known, _known, _known, st.integers(-(2**63), 2**63), st.integers()
)
command_texts: Strategy = st.one_of(
    st.builds(
        lambda name, sep, args: f"/{name}{sep}{args}",
        st.sampled_from(COMMANDS),
        st.sampled_from((" ", "\n", "@etiket ", "\u200b ", "")),
        st.text(max_size=60),
    ),
    st.text(max_size=80),
)
_payloads: Strategy = st.sampled_from(PAYLOADS) | st.dictionaries(
    st.sampled_from(("cmd", "a", "b", "c", "d", "f", "n", "u", "w", "r", "id", "p")),
    json_values,
    max_size=5,
)

# -- VK --------------------------------------------------------------------------

_vk_message: Strategy = st.fixed_dictionaries(
    {
        "peer_id": field(st.sampled_from((VK_CHAT, VK_STAFF, TEACHER))),
        "from_id": field(people | st.just(-VK_GROUP)),
        "text": field(command_texts),
    },
    optional={
        "conversation_message_id": field(st.integers(0, 2**40)),
        "date": field(st.integers(0, 2**40)),
        "payload": field(st.builds(json.dumps, _payloads) | st.text(max_size=20)),
        "reply_message": field(
            st.fixed_dictionaries(
                {"conversation_message_id": field(st.integers()), "from_id": field(people)}
            )
        ),
        "action": field(
            st.fixed_dictionaries(
                {
                    "type": field(
                        st.sampled_from(
                            (
                                "chat_invite_user",
                                "chat_kick_user",
                                "chat_invite_user_by_link",
                                "chat_pin_message",
                            )
                        )
                    )
                },
                optional={"member_id": field(people | st.just(-VK_GROUP))},
            )
        ),
    },
)
_vk_press: Strategy = st.fixed_dictionaries(
    {"user_id": field(people), "peer_id": field(st.sampled_from((VK_CHAT, TEACHER)))},
    optional={"payload": field(_payloads), "conversation_message_id": field(st.integers())},
)
vk_updates: Strategy = st.fixed_dictionaries(
    {
        "type": field(
            st.sampled_from(("message_new", "message_edit", "message_event", "message_reply"))
        ),
        "object": field(
            st.one_of(_vk_message, st.fixed_dictionaries({"message": _vk_message}), _vk_press)
        ),
    },
    optional={"group_id": field(st.just(VK_GROUP)), "event_id": field(st.text(max_size=12))},
)

# -- MAX -------------------------------------------------------------------------

_user: Strategy = st.fixed_dictionaries(
    {"user_id": field(people | st.from_regex(r"-?[0-9]{1,20}", fullmatch=True))}
)
_max_message: Strategy = st.fixed_dictionaries(
    {
        "recipient": field(
            st.fixed_dictionaries(
                {
                    "chat_id": field(st.sampled_from((MAX_CHAT, MAX_STAFF))),
                    "chat_type": field(st.sampled_from(("chat", "dialog", "channel"))),
                }
            )
        ),
        "body": field(
            st.fixed_dictionaries(
                {"mid": field(st.text(min_size=1, max_size=12)), "text": field(command_texts)},
                optional={
                    "markup": field(
                        st.lists(
                            st.fixed_dictionaries(
                                {"type": st.just("user_mention"), "user_id": field(people)}
                            ),
                            max_size=2,
                        )
                    )
                },
            )
        ),
    },
    optional={
        "sender": field(_user),
        "link": field(
            st.fixed_dictionaries(
                {
                    "type": st.just("reply"),
                    "sender": field(_user),
                    "message": field(st.fixed_dictionaries({"mid": field(st.text(max_size=8))})),
                }
            )
        ),
    },
)
_timestamps: Strategy = field(st.integers(0, 2**45))
max_updates: Strategy = st.one_of(
    st.fixed_dictionaries(
        {
            "update_type": field(st.sampled_from(("message_created", "message_edited"))),
            "timestamp": _timestamps,
            "message": field(_max_message),
        }
    ),
    st.fixed_dictionaries(
        {
            "update_type": st.just("message_callback"),
            "timestamp": _timestamps,
            "callback": field(
                st.fixed_dictionaries(
                    {
                        "callback_id": field(st.text(max_size=8)),
                        "user": field(_user),
                        "payload": field(st.builds(json.dumps, _payloads) | st.text(max_size=20)),
                    },
                    optional={"timestamp": _timestamps},
                )
            ),
            "message": field(st.none() | _max_message),
        }
    ),
    st.fixed_dictionaries(
        {
            "update_type": field(
                st.sampled_from(
                    ("user_added", "user_removed", "bot_added", "bot_removed", "chat_title_changed")
                )
            ),
            "timestamp": _timestamps,
            "chat_id": field(st.sampled_from((MAX_CHAT, MAX_STAFF))),
            "user": field(_user),
        },
        optional={"inviter_id": field(people), "admin_id": field(people)},
    ),
)
