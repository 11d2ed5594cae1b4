"""World objects in VK's JSON shapes (objects.json, API 5.199).

Only fields the schema defines are emitted: `groups_group` forbids extra
properties, and contract tests validate everything against the schema.
"""

from __future__ import annotations

from typing import Any

from adapters.emulator.model import BOT, ActionKind, Chat, Conversation, Member, Message, User
from adapters.emulator.vk.ids import VkIds

__all__ = ["group_object", "member_object", "message_object", "pinned_object", "user_object"]

ACTION_TYPES = {
    ActionKind.INVITE: "chat_invite_user",
    ActionKind.INVITE_BY_LINK: "chat_invite_user_by_link",
    ActionKind.KICK: "chat_kick_user",
}
PHOTO = "https://vk.com/images/camera_{}.png"


def message_object(ids: VkIds, conversation: Conversation, message: Message) -> dict[str, Any]:
    """A `callback_message`; `id` is 0 in chats since bots have no mailbox id there (NOTES §2)."""
    in_chat = isinstance(conversation, Chat)
    body: dict[str, Any] = {
        "id": 0 if in_chat and message.from_id != BOT else message.mailbox_id,
        "conversation_message_id": message.id,
        "peer_id": ids.peer(conversation),
        "from_id": ids.owner(message.from_id),
        "date": message.date,
        "out": 1 if message.from_id == BOT else 0,
        "version": max(message.date, message.update_time),
        "text": message.text,
        "attachments": [],
        "fwd_messages": [],
        "important": False,
        "is_hidden": False,
    }
    if message.update_time:
        body["update_time"] = message.update_time
    if message.action is not None:
        body["action"] = {
            "type": ACTION_TYPES[message.action.kind],
            "member_id": ids.owner(message.action.member_id),
        }
    if message.reply_to is not None:
        replied = conversation.message(message.reply_to)
        if replied is not None:
            body["reply_message"] = foreign_object(ids, conversation, replied)
    return body


def foreign_object(ids: VkIds, conversation: Conversation, message: Message) -> dict[str, Any]:
    """A `callback_foreign_message`: the message being answered."""
    body: dict[str, Any] = {
        "conversation_message_id": message.id,
        "peer_id": ids.peer(conversation),
        "from_id": ids.owner(message.from_id),
        "date": message.date,
        "text": "" if message.deleted else message.text,
        "attachments": [],
        "fwd_messages": [],
    }
    if message.mailbox_id and not isinstance(conversation, Chat):
        body["id"] = message.mailbox_id
    return body


def pinned_object(ids: VkIds, chat: Chat, message: Message) -> dict[str, Any]:
    """A `messages_pinned_message`: what `messages.pin` answers."""
    return {
        "id": message.mailbox_id if message.from_id == BOT else 0,
        "conversation_message_id": message.id,
        "peer_id": ids.peer(chat),
        "from_id": ids.owner(message.from_id),
        "date": message.date,
        "text": message.text,
        "attachments": [],
        "fwd_messages": [],
        "out": message.from_id == BOT,
    }


def user_object(user: User, fields: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A `users_user_full` with the few fields the emulator knows."""
    body: dict[str, Any] = {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "can_access_closed": True,
        "is_closed": False,
    }
    if "screen_name" in fields or "domain" in fields:
        body["screen_name" if "screen_name" in fields else "domain"] = f"id{user.id}"
    for size in (50, 100):
        if f"photo_{size}" in fields:
            body[f"photo_{size}"] = PHOTO.format(size)
    return body


def deleted_user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "first_name": "DELETED", "last_name": "", "deactivated": "deleted"}


def group_object(group_id: int, name: str) -> dict[str, Any]:
    """A `groups_group` (the schema forbids properties outside it)."""
    return {
        "id": group_id,
        "name": name,
        "screen_name": f"club{group_id}",
        "is_closed": 0,
        "type": "group",
        "photo_50": PHOTO.format(50),
        "photo_100": PHOTO.format(100),
        "photo_200": PHOTO.format(200),
    }


def member_object(ids: VkIds, member: Member, bot_is_admin: bool) -> dict[str, Any]:
    """A `messages_conversation_member`; VK sends the flags only when they are true."""
    body: dict[str, Any] = {"member_id": ids.owner(member.user_id), "join_date": member.join_date}
    if member.invited_by is not None:
        body["invited_by"] = ids.owner(member.invited_by)
    if member.is_admin:
        body["is_admin"] = True
    if member.is_owner:
        body["is_owner"] = True
    if bot_is_admin and not member.is_admin and member.user_id != BOT:
        body["can_kick"] = True
    return body
