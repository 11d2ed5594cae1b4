"""The MAX endpoints the emulator serves, with each one's query parameters (schema.yaml)."""

from __future__ import annotations

from adapters.emulator.max.methods.chats import (
    add_members,
    get_admins,
    get_chat,
    get_members,
    get_membership,
    get_pin,
    pin_message,
    remove_member,
)
from adapters.emulator.max.methods.messages import (
    answer,
    delete_message,
    edit_message,
    get_me,
    get_messages,
    send_message,
)

__all__ = ["ROUTES"]

# (verb, path, handler, known query parameters); `/updates` and `/subscriptions`
# belong to the front's long-poll and webhook parts and are added there.
ROUTES = [
    ("GET", "/me", get_me, frozenset()),
    (
        "GET",
        "/messages",
        get_messages,
        frozenset({"chat_id", "message_ids", "from", "to", "count"}),
    ),
    ("POST", "/messages", send_message, frozenset({"chat_id", "user_id", "disable_link_preview"})),
    ("PUT", "/messages", edit_message, frozenset({"message_id"})),
    ("DELETE", "/messages", delete_message, frozenset({"message_id"})),
    ("POST", "/answers", answer, frozenset({"callback_id"})),
    ("GET", "/chats/{chat_id}", get_chat, frozenset()),
    ("GET", "/chats/{chat_id}/members/me", get_membership, frozenset()),
    ("GET", "/chats/{chat_id}/members/admins", get_admins, frozenset()),
    ("GET", "/chats/{chat_id}/members", get_members, frozenset({"user_ids", "marker", "count"})),
    ("POST", "/chats/{chat_id}/members", add_members, frozenset()),
    ("DELETE", "/chats/{chat_id}/members", remove_member, frozenset({"user_id", "block"})),
    ("GET", "/chats/{chat_id}/pin", get_pin, frozenset()),
    ("PUT", "/chats/{chat_id}/pin", pin_message, frozenset()),
]
