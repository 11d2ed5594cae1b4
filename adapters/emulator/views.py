"""How the control API shows the world: JSON with ids as the bot sees them."""

from __future__ import annotations

from typing import Any

from adapters.emulator.front import Front
from adapters.emulator.model import (
    BOT,
    Button,
    Chat,
    Conversation,
    Keyboard,
    Message,
    Notification,
)

__all__ = ["chat_view", "keyboard_view", "message_view", "notification_view"]


def keyboard_view(keyboard: Keyboard) -> dict[str, Any]:
    return {
        "inline": keyboard.inline,
        "one_time": keyboard.one_time,
        "buttons": [[_button_view(b) for b in row] for row in keyboard.rows],
    }


def _button_view(button: Button) -> dict[str, Any]:
    view: dict[str, Any] = {"type": button.kind, "label": button.label}
    if button.payload is not None:
        view["payload"] = button.payload
    if button.color:
        view["color"] = button.color
    if button.link:
        view["link"] = button.link
    return view


def message_view(front: Front, conversation: Conversation, message: Message) -> dict[str, Any]:
    view: dict[str, Any] = {
        "message_id": front.message_ref(conversation, message.id),
        "from_id": front.user_ref(message.from_id),
        "from_bot": message.from_id == BOT,
        "text": message.text,
        "date": message.date,
        "deleted": message.deleted,
        "keyboard": keyboard_view(message.keyboard) if message.keyboard else None,
    }
    if message.reply_to is not None:
        view["reply_to"] = front.message_ref(conversation, message.reply_to)
    if message.forwarded:
        view["forwarded"] = [front.message_ref(conversation, m) for m in message.forwarded]
    if message.action is not None:
        view["action"] = {
            "type": message.action.kind.value,
            "member_id": front.user_ref(message.action.member_id),
        }
    if message.silent:
        view["disable_mentions"] = True
    if message.update_time:
        view["update_time"] = message.update_time
    return view


def chat_view(front: Front, chat: Chat) -> dict[str, Any]:
    return {
        "chat_id": front.conversation_ref(chat),
        "title": chat.title,
        "bot_is_member": chat.bot_is_member,
        "bot_is_admin": chat.bot_is_admin,
        "invite_link": chat.invite_link,
        "blocked": [front.user_ref(u) for u in sorted(chat.blocked)],
        "pinned_message_id": (
            None if chat.pinned is None else front.message_ref(chat, chat.pinned)
        ),
        "members": [
            {
                "user_id": front.user_ref(m.user_id),
                "is_admin": m.is_admin,
                "is_owner": m.is_owner,
            }
            for m in chat.members.values()
        ],
        "messages": [message_view(front, chat, m) for m in chat.messages],
    }


def notification_view(front: Front, note: Notification) -> dict[str, Any]:
    return {
        "event_id": note.event_id,
        "chat_id": front.conversation_ref(note.conversation),
        "event_data": note.data,
        "date": note.date,
    }
