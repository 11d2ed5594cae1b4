"""Chat administration: members, removal, pins, invite links, button answers (NOTES §4, §5)."""

from __future__ import annotations

import json
from typing import Any

from adapters.emulator.errors import WorldError
from adapters.emulator.model import BOT
from adapters.emulator.vk.errors import VkApiError, from_refusal
from adapters.emulator.vk.ids import CHAT_BASE
from adapters.emulator.vk.methods.context import Call
from adapters.emulator.vk.shapes import group_object, member_object, pinned_object, user_object

__all__ = [
    "get_conversation_members",
    "get_invite_link",
    "pin",
    "remove_chat_user",
    "send_event_answer",
]

EVENT_DATA_TYPES = frozenset({"show_snackbar", "open_link", "open_app"})


def remove_chat_user(call: Call) -> int:
    """`chat_id` is the local number, not the peer id; 925 without admin, 935 if gone."""
    p = call.params
    member = p.get("member_id", p.get("user_id"))
    if member is None:
        raise VkApiError(100, "member_id is undefined")
    chat = call.chat(CHAT_BASE + p["chat_id"])
    if member < 0 and member != -call.ids.group_id:
        raise VkApiError(935)
    try:
        call.world.bot.kick(chat, call.ids.world_user(member))
    except WorldError as exc:
        raise from_refusal(exc) from None
    return 1


def get_conversation_members(call: Call) -> dict[str, Any]:
    """917 unless the bot is a chat admin (NOTES §2 "Visibility in chats")."""
    p = call.params
    chat = call.chat(p["peer_id"], no_chat=927)
    if not chat.bot_is_admin:
        raise VkApiError(917)
    members = list(chat.members.values())
    if "member_ids" in p:
        wanted = {call.ids.world_user(m) for m in p["member_ids"]}
        members = [m for m in members if m.user_id in wanted]
    offset, count = p.get("offset", 0), p.get("count", 20)  # schema default 20
    page = members[offset : offset + count]
    users = [call.world.users[m.user_id] for m in page if m.user_id != BOT]
    fields = frozenset(p.get("fields", []))
    return {
        "count": len(members),
        "items": [member_object(call.ids, m, chat.bot_is_admin) for m in page],
        "chat_restrictions": {
            "only_admins_invite": False,
            "only_admins_edit_pin": True,
            "only_admins_edit_info": True,
            "admins_promote_users": False,
        },
        "profiles": [user_object(u, fields) for u in users],
        "groups": [group_object(call.ids.group_id, call.group_name)]
        if any(m.user_id == BOT for m in page)
        else [],
    }


def pin(call: Call) -> dict[str, Any]:
    """By `cmid`, or the mailbox `message_id` (NOTES §8: 0 for others' chat messages);
    925 without admin rights, as VK answers when only admins may change the pin."""
    p = call.params
    chat = call.chat(p["peer_id"], no_chat=927)
    cmid = p.get("cmid")
    if not cmid and p.get("message_id"):
        found = next((m for m in chat.messages if m.mailbox_id == p["message_id"]), None)
        cmid = found.id if found is not None else None
    if not cmid:
        raise VkApiError(100, "cmid is undefined")
    try:
        message = call.world.bot.pin(chat, cmid)
    except WorldError as exc:
        raise from_refusal(exc, no_message=100) from None
    return pinned_object(call.ids, chat, message)


def get_invite_link(call: Call) -> dict[str, str]:
    p = call.params
    chat = call.chat(p["peer_id"], no_chat=927)
    try:
        token = call.world.bot.invite_link(chat, bool(p.get("reset")))
    except WorldError as exc:
        raise from_refusal(exc, bot_not_admin=931 if p.get("reset") else 919) from None
    return {"link": f"https://vk.me/join/{token}"}


def send_event_answer(call: Call) -> int:
    """Answers one press; `event_data` is a JSON string of a known type (NOTES §5)."""
    p = call.params
    data: Any = None
    if p.get("event_data"):
        try:
            data = json.loads(p["event_data"])
        except json.JSONDecodeError:
            raise VkApiError(100, "event_data is not valid JSON") from None
        if not isinstance(data, dict) or data.get("type") not in EVENT_DATA_TYPES:
            raise VkApiError(100, "event_data type is invalid")
    press = call.world.presses.get(p["event_id"])
    if press is None or call.ids.peer(press.conversation) != p["peer_id"]:
        raise VkApiError(100, "event_id is invalid")
    try:
        call.world.bot.answer_press(p["event_id"], call.ids.world_user(p["user_id"]), data)
    except WorldError as exc:
        raise from_refusal(exc) from None
    return 1
