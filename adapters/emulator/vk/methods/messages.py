"""messages.send, messages.edit and messages.delete (NOTES §4, §5, §7)."""

from __future__ import annotations

import json
from typing import Any

from adapters.emulator.errors import WorldError
from adapters.emulator.model import Chat, Conversation, Message
from adapters.emulator.vk.errors import VkApiError, from_refusal
from adapters.emulator.vk.ids import CHAT_BASE
from adapters.emulator.vk.keyboard import parse_keyboard
from adapters.emulator.vk.methods.context import Call

__all__ = ["delete", "edit", "send"]

MAX_TEXT = 4096  # the live limit; the schema's maxLength 9000 is never reached (NOTES §7)


def send(call: Call) -> Any:
    """With `peer_ids` the answer is a per-peer list carrying the cmids (NOTES §4)."""
    p = call.params
    text = p.get("message", "")
    if len(text) > MAX_TEXT:
        raise VkApiError(914)
    keyboard = parse_keyboard(p["keyboard"]) if p.get("keyboard") else None
    forward = _forward(p.get("forward"))
    if not (text or p.get("attachment") or forward or p.get("forward_messages")):
        raise VkApiError(100, "message is empty or invalid")
    if "peer_ids" in p:
        return [_send_one(call, peer, keyboard, forward, listed=True) for peer in p["peer_ids"]]
    peer = p.get("peer_id") or p.get("user_id")
    if not peer and p.get("chat_id"):
        peer = CHAT_BASE + p["chat_id"]
    if not peer:
        raise VkApiError(100, "peer_id is undefined")
    return _send_one(call, peer, keyboard, forward, listed=False)


def _send_one(
    call: Call, peer: int, keyboard: Any, forward: dict[str, Any] | None, listed: bool
) -> Any:
    p = call.params
    try:
        conversation = call.conversation(peer)
        reply_to, forwarded = _reply(call, conversation, forward)
        message = call.world.bot.send(
            conversation,
            p.get("message", ""),
            keyboard=keyboard,
            reply_to=reply_to,
            forwarded=forwarded,
            dedup_key=p.get("random_id"),
            silent=bool(p.get("disable_mentions")),
        )
    except (VkApiError, WorldError) as exc:
        error = exc if isinstance(exc, VkApiError) else from_refusal(exc, no_message=100)
        if not listed:
            raise error from None
        return {
            "peer_id": peer,
            "message_id": 0,
            "conversation_message_id": 0,
            "error": error.item(),
        }
    if not listed:
        return message.mailbox_id
    return {
        "peer_id": peer,
        "message_id": message.mailbox_id,
        "conversation_message_id": message.id,
    }


def _forward(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        forward = json.loads(raw)
    except json.JSONDecodeError:
        raise VkApiError(100, "forward is not valid JSON") from None
    if not isinstance(forward, dict):
        raise VkApiError(100, "forward must be an object")
    return forward


def _reply(
    call: Call, conversation: Conversation, forward: dict[str, Any] | None
) -> tuple[int | None, tuple[int, ...]]:
    """Replies in chats go through `forward` with cmids; `reply_to` wants a mailbox id."""
    reply_to = call.params.get("reply_to")
    if reply_to is not None:
        found = _by_mailbox(conversation, reply_to)
        if found is None:
            raise VkApiError(100, "reply_to have to be message from same chat")
        return found.id, ()
    if forward is None:
        return None, ()
    cmids = forward.get("conversation_message_ids") or forward.get("cmids") or []
    if forward.get("peer_id") not in (None, call.ids.peer(conversation)) or not cmids:
        raise VkApiError(921)
    if not all(isinstance(c, int) and conversation.message(c) is not None for c in cmids):
        raise VkApiError(921)
    if forward.get("is_reply"):
        return cmids[0], ()
    return None, tuple(cmids)


def _by_mailbox(conversation: Conversation, mailbox_id: int) -> Message | None:
    if isinstance(conversation, Chat):
        return None
    return next((m for m in conversation.messages if m.mailbox_id == mailbox_id), None)


def edit(call: Call) -> int:
    p = call.params
    conversation = call.conversation(p["peer_id"])
    cmid = p.get("cmid") or p.get("conversation_message_id")
    if not cmid and p.get("message_id"):
        found = _by_mailbox(conversation, p["message_id"])
        cmid = found.id if found else None
    if not cmid:
        raise VkApiError(100, "cmid is undefined")
    text = p.get("message", "")
    if len(text) > MAX_TEXT:
        raise VkApiError(914)
    keyboard = parse_keyboard(p["keyboard"]) if "keyboard" in p else None
    try:
        call.world.bot.edit(conversation, cmid, text, keyboard)
    except WorldError as exc:
        raise from_refusal(exc, access_denied=909) from None
    return 1


def delete(call: Call) -> list[dict[str, Any]]:
    """Per-item results; deleting others' messages for all needs admin (924 per item)."""
    p = call.params
    if "cmids" in p:
        if "peer_id" not in p:
            raise VkApiError(100, "peer_id is undefined")
        conversation = call.conversation(p["peer_id"])
        targets = [(conversation, cmid) for cmid in p["cmids"]]
    elif "message_ids" in p:
        targets = [_by_mailbox_anywhere(call, m) for m in p["message_ids"]]
    else:
        raise VkApiError(100, "message_ids is undefined")
    for conversation, _ in targets:
        if isinstance(conversation, Chat) and not conversation.bot_is_member:
            raise VkApiError(917)
    return [_delete_one(call, c, m, bool(p.get("delete_for_all"))) for c, m in targets]


def _by_mailbox_anywhere(call: Call, mailbox_id: int) -> tuple[Conversation, int]:
    peer = call.params.get("peer_id")
    places: list[Conversation] = (
        [call.conversation(peer)]
        if peer
        else [*call.world.dialogs.values(), *call.world.chats.values()]
    )
    for conversation in places:
        found = next((m for m in conversation.messages if m.mailbox_id == mailbox_id), None)
        if found is not None:
            return conversation, found.id
    raise VkApiError(104, f"message {mailbox_id}")


def _delete_one(call: Call, conversation: Conversation, cmid: int, for_all: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"peer_id": call.ids.peer(conversation), "conversation_message_id": cmid}
    try:
        message = call.world.bot.delete(conversation, cmid, for_all)
    except WorldError as exc:
        item["error"] = from_refusal(exc, bot_not_admin=924).item()
        return item
    item["message_id"] = message.mailbox_id
    item["response"] = 1
    return item
