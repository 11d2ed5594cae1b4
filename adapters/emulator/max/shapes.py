"""World objects in MAX's JSON shapes (schema.yaml 0.0.30, NOTES §3.3, §5).

Every required field is present even when null (`last_name`, `username`,
`permissions`, `alias`), because the schema lists them as required and strict
clients validate that; contract tests check each shape against the schema.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.emulator.max.ids import MaxIds
from adapters.emulator.model import BOT, Button, Chat, Conversation, Keyboard, Member, Message
from adapters.emulator.world import World

__all__ = [
    "ALL_RIGHTS",
    "chat_object",
    "keyboard_attachment",
    "member_object",
    "message_object",
    "user_object",
    "wire_payload",
]

BOT_USERNAME = "etiket_bot"
# What an owner grants a bot by default when making it admin (NOTES §5 admin rights).
ALL_RIGHTS = (
    "read_all_messages",
    "write",
    "add_remove_members",
    "pin_message",
    "change_chat_info",
    "add_admins",
    "edit_link",
)


def user_object(world: World, ids: MaxIds, user_id: int) -> dict[str, Any]:
    """A `User`; `name` is deprecated but still sent (NOTES §3.3)."""
    if user_id == BOT:
        first, last, username = world.bot_name, None, BOT_USERNAME
    else:
        user = world.user(user_id)
        first, last, username = user.first_name, user.last_name or None, None
    return {
        "user_id": ids.user(user_id),
        "first_name": first,
        "last_name": last,
        "username": username,
        "is_bot": user_id == BOT,
        "last_activity_time": ids.ms(world.now()),
        "name": f"{first} {last or ''}".strip(),
    }


def _button(button: Button) -> dict[str, Any]:
    out: dict[str, Any] = {"type": button.kind, "text": button.label}
    if button.kind == "callback":
        out["payload"] = wire_payload(button.payload)
        out["intent"] = button.color or "default"
    elif button.kind == "link":
        out["url"] = button.link
    return out


def wire_payload(payload: Any) -> str:
    """Payloads are strings on MAX; the world keeps them decoded, so JSON goes back compact."""
    if isinstance(payload, str):
        return payload
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def keyboard_attachment(keyboard: Keyboard) -> dict[str, Any]:
    rows = [[_button(b) for b in row] for row in keyboard.rows]
    return {"type": "inline_keyboard", "payload": {"buttons": rows}}


def body_object(ids: MaxIds, conversation: Conversation, message: Message) -> dict[str, Any]:
    """A `MessageBody`; attachments are always a list (NOTES §3.3 says they may be absent)."""
    attachments = [keyboard_attachment(message.keyboard)] if message.keyboard else []
    return {
        "mid": ids.mid(conversation, message.id),
        "seq": ids.seq(message.id),
        "text": message.text,
        "attachments": attachments,
    }


def message_object(
    world: World, ids: MaxIds, conversation: Conversation, message: Message
) -> dict[str, Any]:
    """A `Message`: sender, recipient (the dialog's other side in `user_id`), body, link."""
    if isinstance(conversation, Chat):
        recipient = {"chat_id": ids.chat_id(conversation), "chat_type": "chat", "user_id": None}
    else:
        other = conversation.id if message.from_id == BOT else BOT
        recipient = {
            "chat_id": ids.chat_id(conversation),
            "chat_type": "dialog",
            "user_id": ids.user(other),
        }
    out: dict[str, Any] = {
        "sender": user_object(world, ids, message.from_id),
        "recipient": recipient,
        "timestamp": ids.ms(message.date),
        "body": body_object(ids, conversation, message),
    }
    replied = conversation.message(message.reply_to) if message.reply_to else None
    if replied is not None:
        out["link"] = {
            "type": "reply",
            "sender": user_object(world, ids, replied.from_id),
            "message": body_object(ids, conversation, replied),
        }
    return out


def member_object(
    world: World, ids: MaxIds, member: Member, rights: tuple[str, ...]
) -> dict[str, Any]:
    """A `ChatMember`; `permissions` only for admins, `null` otherwise (schema)."""
    joined = ids.ms(member.join_date)
    return {
        **user_object(world, ids, member.user_id),
        "description": None,
        "last_access_time": joined,
        "is_owner": member.is_owner,
        "is_admin": member.is_admin,
        "join_time": joined,
        "permissions": list(rights) if member.is_admin else None,
        "alias": None,
    }


def chat_object(world: World, ids: MaxIds, conversation: Conversation) -> dict[str, Any]:
    """A `Chat`; `owner_id` and `link` only for a bot that is a member (NOTES §5 chat info)."""
    last = max((m.date for m in conversation.messages), default=world.now())
    out: dict[str, Any] = {
        "chat_id": ids.chat_id(conversation),
        "icon": None,
        "last_event_time": ids.ms(last),
        "is_public": False,
        "description": None,
    }
    if not isinstance(conversation, Chat):
        return {
            **out,
            "type": "dialog",
            "status": "active",
            "title": None,
            "participants_count": 2,
            "dialog_with_user": {**user_object(world, ids, conversation.id), "description": None},
        }
    present = conversation.bot_is_member
    owner = next((m.user_id for m in conversation.members.values() if m.is_owner), None)
    return {
        **out,
        "type": "chat",
        "status": "active" if present else "removed",
        "title": conversation.title,
        "participants_count": len(conversation.members),
        "owner_id": ids.user(owner) if present and owner is not None else None,
        "link": _link(conversation) if present else None,
        "messages_count": len(conversation.messages),
    }


def _link(chat: Chat) -> str | None:
    """The join link, or null for a chat without one (then `block` does nothing, NOTES §5)."""
    return f"https://max.ru/join/{chat.invite_link}" if chat.invite_link else None
