"""`/chats/{chat_id}`, its members and its pin (NOTES §5 table).

Lists need admin rights; removal and adding need `add_remove_members`, pinning
`pin_message`. Adding
reports per-person failures in `ModifyMembersResult` instead of failing the call,
so one person's privacy does not hide the others' success.
"""

from __future__ import annotations

from typing import Any

from adapters.emulator.errors import Refusal, WorldError
from adapters.emulator.max.context import MaxCall, bad
from adapters.emulator.max.errors import NotDone
from adapters.emulator.max.shapes import chat_object, member_object, message_object
from adapters.emulator.model import BOT, Chat, Member

__all__ = [
    "add_members",
    "get_admins",
    "get_chat",
    "get_members",
    "get_membership",
    "get_pin",
    "pin_message",
    "remove_member",
]

OK = {"success": True}
MAX_PAGE, DEFAULT_PAGE, MAX_ADD = 100, 20, 100  # NOTES §5, §6
PEOPLE_RIGHTS = ("read_all_messages", "write", "add_remove_members", "pin_message")


async def get_chat(call: MaxCall) -> dict[str, Any]:
    return chat_object(call.world, call.front.ids, call.conversation())


def _member(call: MaxCall, chat: Chat, member: Member) -> dict[str, Any]:
    rights = call.front.rights(chat) if member.user_id == BOT else PEOPLE_RIGHTS
    return member_object(call.world, call.front.ids, member, rights)


async def get_membership(call: MaxCall) -> dict[str, Any]:
    """`members/me`: the bot's own membership and rights; no admin needed."""
    chat = call.chat()
    call.world.bot.require(chat)
    return _member(call, chat, chat.members[BOT])


async def get_members(call: MaxCall) -> dict[str, Any]:
    """A page by `count` and `marker` (an offset here), or just `user_ids` when given."""
    chat = call.chat()
    call.world.bot.require(chat, admin=True)
    members = list(chat.members.values())
    if call.query.get("user_ids"):
        try:
            wanted = {call.front.ids.world_user(int(u)) for u in call.query["user_ids"].split(",")}
        except ValueError:
            raise bad("user_ids must be comma-separated integers") from None
        return {"members": [_member(call, chat, m) for m in members if m.user_id in wanted]}
    count, start = call.integer("count", DEFAULT_PAGE), call.integer("marker", 0)
    if not 1 <= count <= MAX_PAGE or start < 0:
        raise bad(f"count must be 1..{MAX_PAGE} and marker a marker from a previous page")
    page = members[start : start + count]
    end = start + len(page)
    return {
        "members": [_member(call, chat, m) for m in page],
        "marker": end if end < len(members) else None,
    }


async def get_admins(call: MaxCall) -> dict[str, Any]:
    chat = call.chat()
    call.world.bot.require(chat, admin=True)
    admins = [m for m in chat.members.values() if m.is_admin or m.is_owner]
    return {"members": [_member(call, chat, m) for m in admins], "marker": None}


async def remove_member(call: MaxCall) -> dict[str, Any]:
    """`block=true` bars a rejoin by link, only where the chat has one (NOTES §5)."""
    chat = call.chat()
    call.require_right(chat, "add_remove_members")
    user_id = call.front.ids.world_user(call.integer("user_id"))
    call.world.bot.kick(chat, user_id, block=call.flag("block"))
    return OK


async def add_members(call: MaxCall) -> dict[str, Any]:
    """`ModifyMembersResult`; privacy refusals come as `add.participant.privacy`."""
    chat = call.chat()
    call.require_right(chat, "add_remove_members")
    raw = call.json().get("user_ids")
    if not isinstance(raw, list) or not raw or len(raw) > MAX_ADD:
        raise bad(f"user_ids must list 1..{MAX_ADD} ids")
    failed: dict[str, list[int]] = {}
    for wire_id in raw:
        if type(wire_id) is not int:
            raise bad("user_ids must be integers")
        try:
            call.world.bot.add_member(chat, call.front.ids.world_user(wire_id))
        except WorldError as exc:
            if exc.reason is Refusal.PRIVACY:
                failed.setdefault("add.participant.privacy", []).append(wire_id)
            elif exc.reason is Refusal.NO_USER:
                failed.setdefault("add.participant.not.found", []).append(wire_id)
            elif exc.reason is not Refusal.ALREADY_MEMBER:  # already in: nothing to do
                raise
    if failed:
        raise NotDone(
            "Failed to add some users",
            failed_user_ids=[u for ids in failed.values() for u in ids],
            failed_user_details=[{"error_code": c, "user_ids": u} for c, u in failed.items()],
        )
    return OK


async def get_pin(call: MaxCall) -> dict[str, Any]:
    """`GetPinnedMessageResult`: the pinned `Message`, or null."""
    chat = call.chat()
    call.world.bot.require(chat)
    if chat.pinned is None:
        return {"message": None}
    message = call.world.message(chat, chat.pinned)
    return {"message": message_object(call.world, call.front.ids, chat, message)}


async def pin_message(call: MaxCall) -> dict[str, Any]:
    """`PUT /chats/{chat_id}/pin` with a `PinMessageBody` (`message_id` is a mid)."""
    chat = call.chat()
    call.require_right(chat, "pin_message")
    body = call.json()
    mid, notify = body.get("message_id"), body.get("notify")
    if not isinstance(mid, str):
        raise bad("message_id must be the message's mid")
    if notify is not None and not isinstance(notify, bool):
        raise bad("notify must be true or false")
    target, number = call.front.ids.locate(call.world, mid)
    if target is not chat:
        raise NotDone("Not found: the message is not in this chat")
    call.world.bot.pin(chat, number)
    return OK
