"""The VK methods the emulator serves, by name."""

from __future__ import annotations

from adapters.emulator.vk.methods.chats import (
    get_conversation_members,
    get_invite_link,
    pin,
    remove_chat_user,
    send_event_answer,
)
from adapters.emulator.vk.methods.context import Call, Method
from adapters.emulator.vk.methods.groups import (
    get_by_id,
    get_long_poll_server,
    set_long_poll_settings,
    users_get,
)
from adapters.emulator.vk.methods.messages import delete, edit, send

__all__ = ["METHODS", "Call", "Method"]

METHODS: dict[str, Method] = {
    "groups.getById": get_by_id,
    "groups.getLongPollServer": get_long_poll_server,
    "groups.setLongPollSettings": set_long_poll_settings,
    "messages.delete": delete,
    "messages.edit": edit,
    "messages.getConversationMembers": get_conversation_members,
    "messages.getInviteLink": get_invite_link,
    "messages.pin": pin,
    "messages.removeChatUser": remove_chat_user,
    "messages.send": send,
    "messages.sendMessageEventAnswer": send_event_answer,
    "users.get": users_get,
}
