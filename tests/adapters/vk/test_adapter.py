"""`VkAdapter` methods against the scripted VK server: what is sent and what comes back."""

from __future__ import annotations

import json
from typing import cast

import pytest

from adapters.base import Button, Event, EventKind, Keyboard, MessengerAdapter
from adapters.errors import InvalidRequest, NotAdmin, NotSupported, PrivacyRefused
from adapters.vk_messenger import VkAdapter, VkMember
from bot.services import Moderators
from storage import Database

from .conftest import GROUP, TOKEN, FakeVk, err, ok

CHAT = "2000000007"


def test_is_a_messenger_adapter(adapter: VkAdapter) -> None:
    assert isinstance(adapter, MessengerAdapter)
    assert adapter.capabilities.batch_calls == 25 and not adapter.capabilities.can_readd_member
    assert TOKEN not in adapter.queue.bucket and TOKEN not in repr(adapter)


async def test_send_message_uses_peer_ids_and_returns_the_cmid(
    adapter: VkAdapter, vk: FakeVk
) -> None:
    message_id = await adapter.send_message(CHAT, "Правила чата")
    assert message_id == "1001"
    method, params = vk.requests[0]
    assert method == "messages.send"
    assert params["peer_ids"] == CHAT and params["message"] == "Правила чата"
    assert params["disable_mentions"] == "1" and params["v"] == "5.199"
    assert 0 < int(params["random_id"]) < 2**31
    assert vk.headers[0]["Authorization"] == f"Bearer {TOKEN}"
    assert all(TOKEN not in value for value in params.values())


async def test_reply_goes_through_forward(adapter: VkAdapter, vk: FakeVk) -> None:
    await adapter.send_message(CHAT, "ответ", reply_to="1530")
    forward = json.loads(vk.requests[0][1]["forward"])
    assert forward == {"peer_id": int(CHAT), "conversation_message_ids": [1530], "is_reply": 1}
    assert "reply_to" not in vk.requests[0][1]


async def test_long_text_is_split_with_keyboard_on_the_last_chunk(
    adapter: VkAdapter, vk: FakeVk
) -> None:
    text = ("слово " * 700).strip()  # 4199 characters
    kb = Keyboard.of([Button("Ок", {"a": "ok"})])
    last = await adapter.send_message(CHAT, text, keyboard=kb, reply_to="5")
    sends = [p for m, p in vk.calls if m == "messages.send"]
    assert len(sends) == 2 and last == "1002"
    assert all(len(p["message"]) <= 4096 for p in sends)
    assert "forward" in sends[0] and "forward" not in sends[1]
    assert "keyboard" not in sends[0] and json.loads(sends[1]["keyboard"])["inline"] is True
    assert sends[0]["random_id"] != sends[1]["random_id"]


async def test_send_private_refused_by_privacy(adapter: VkAdapter, vk: FakeVk) -> None:
    refused = {"peer_id": 5, "message_id": 0, "conversation_message_id": 0,
               "error": {"code": 901, "description": "no permission"}}  # fmt: skip
    vk.reply("messages.send", ok([refused]))
    with pytest.raises(PrivacyRefused):
        await adapter.send_private("5", "Уведомление")
    vk.reply("messages.send", err(902, "privacy"))
    with pytest.raises(PrivacyRefused):
        await adapter.send_private("5", "Уведомление")


async def test_delete_by_cmids_for_all(adapter: VkAdapter, vk: FakeVk) -> None:
    vk.reply("messages.delete", ok([{"peer_id": int(CHAT), "conversation_message_id": 1,
                                     "response": 1}]))  # fmt: skip
    await adapter.delete_messages(CHAT, ["1", "2"])
    assert vk.requests[-1] == (
        "messages.delete",
        {"peer_id": CHAT, "cmids": "1,2", "delete_for_all": "1", "v": "5.199"},
    )


async def test_delete_raises_a_per_item_error(adapter: VkAdapter, vk: FakeVk) -> None:
    vk.reply("messages.delete", ok([
        {"peer_id": int(CHAT), "conversation_message_id": 1, "response": 1},
        {"peer_id": int(CHAT), "conversation_message_id": 2,
         "error": {"code": 924, "description": "Can't delete this message for everybody"}},
    ]))  # fmt: skip
    with pytest.raises(NotAdmin):
        await adapter.delete_messages(CHAT, ["1", "2"])


async def test_pin_goes_by_cmid_and_needs_admin(adapter: VkAdapter, vk: FakeVk) -> None:
    pinned = {"id": 0, "conversation_message_id": 1530, "peer_id": int(CHAT),
              "from_id": -GROUP, "date": 1700000000, "text": "Собрание"}  # fmt: skip
    vk.reply("messages.pin", ok(pinned), err(925, "You are not admin of this chat"))
    await adapter.pin_message(CHAT, "1530")
    assert vk.requests[-1] == ("messages.pin", {"peer_id": CHAT, "cmid": "1530", "v": "5.199"})
    with pytest.raises(NotAdmin):  # the same typed error as the other admin-only calls
        await adapter.pin_message(CHAT, "1530")
    with pytest.raises(InvalidRequest):
        await adapter.pin_message(CHAT, "mid.x")


async def test_remove_member(adapter: VkAdapter, vk: FakeVk) -> None:
    assert await adapter.remove_member(CHAT, "3333") is False
    assert vk.requests[-1][1]["chat_id"] == "7" and vk.requests[-1][1]["member_id"] == "3333"
    vk.reply("messages.removeChatUser", err(935, "User not found in chat"))
    assert await adapter.remove_member(CHAT, "3333") is False  # already gone: done
    vk.reply("messages.removeChatUser", err(925, "You are not admin of this chat"))
    with pytest.raises(NotAdmin):
        await adapter.remove_member(CHAT, "3333")


async def test_add_member_is_not_supported(adapter: VkAdapter, vk: FakeVk) -> None:
    with pytest.raises(NotSupported):
        await adapter.add_member(CHAT, "3333")
    assert vk.requests == []


async def test_invite_link(adapter: VkAdapter, vk: FakeVk) -> None:
    vk.reply("messages.getInviteLink", ok({"link": "https://vk.me/join/abc"}))
    assert await adapter.invite_link(CHAT, reset=True) == "https://vk.me/join/abc"
    assert vk.requests[-1][1]["reset"] == "1"


async def test_members_admins_and_names(adapter: VkAdapter, vk: FakeVk) -> None:
    page1 = {
        "count": 3,
        "items": [
            {"member_id": 1, "is_owner": True, "is_admin": True, "can_kick": False},
            {"member_id": -GROUP, "is_admin": True, "invited_by": 1},
        ],
        "profiles": [{"id": 1, "first_name": "Анна", "last_name": "Петровна"}],
        "groups": [{"id": GROUP, "name": "Школа"}],
    }
    page2 = {"count": 3, "items": [{"member_id": 2, "can_kick": True, "invited_by": 1}],
             "profiles": [{"id": 2, "first_name": "Петя", "last_name": "Иванов"}]}  # fmt: skip
    vk.reply("messages.getConversationMembers", ok(page1), ok(page2), ok(page1), ok(page2))
    members = await adapter.list_members(CHAT)
    assert [m.user_id for m in members] == ["1", str(-GROUP), "2"]
    assert members[0] == VkMember("1", is_admin=True, is_owner=True, name="Анна Петровна",
                                  invited_by="")  # fmt: skip
    assert isinstance(members[2], VkMember) and members[2].can_kick
    assert members[1].name == "Школа"
    assert [p["offset"] for m, p in vk.requests] == ["0", "2"]
    admins = await adapter.list_admins(CHAT)
    assert [m.user_id for m in admins] == ["1", str(-GROUP)]
    assert await adapter.user_names(["2", "1"]) == {"2": "Петя Иванов", "1": "Анна Петровна"}
    assert len(vk.requests) == 4  # names came from the cache


async def test_moderators_learn_admins_and_members_from_one_call(
    adapter: VkAdapter, vk: FakeVk
) -> None:
    """A violation needs the chat's admins and its members: VK answers both at once."""
    page = {"count": 2, "items": [{"member_id": 1, "is_owner": True, "is_admin": True},
                                  {"member_id": 2}],
            "profiles": [{"id": 2, "first_name": "Петя", "last_name": "Иванов"}]}  # fmt: skip
    vk.reply("messages.getConversationMembers", ok(page))
    moderators = Moderators(adapter, cast(Database, None))
    assert list(await moderators.admins(CHAT)) == ["1"]
    assert list(await moderators.members(CHAT)) == ["1", "2"]
    assert await moderators.name(CHAT, "2", "?") == "Петя Иванов"
    assert vk.methods() == ["messages.getConversationMembers"]


async def test_user_names_asks_once(adapter: VkAdapter, vk: FakeVk) -> None:
    vk.reply("users.get", ok([{"id": 7, "first_name": "Оля", "last_name": "К"}]))
    assert await adapter.user_names(["7"]) == {"7": "Оля К"}
    assert await adapter.user_names(["7"]) == {"7": "Оля К"}
    assert vk.methods() == ["users.get"]


async def test_answer_button_shows_a_snackbar(adapter: VkAdapter, vk: FakeVk) -> None:
    raw = {"type": "message_event", "object": {"event_id": "3159dc190b1f", "user_id": 1,
                                               "peer_id": int(CHAT), "payload": {}}}  # fmt: skip
    event = Event("vk", EventKind.BUTTON, CHAT, "1", raw=raw)
    await adapter.answer_button(event, "Принято")
    params = vk.requests[-1][1]
    assert params["event_id"] == "3159dc190b1f" and params["user_id"] == "1"
    assert json.loads(params["event_data"]) == {"type": "show_snackbar", "text": "Принято"}


async def test_group_id_is_resolved_once(make_adapter: object, vk: FakeVk) -> None:
    adapter = make_adapter(group_id=None)  # type: ignore[operator]
    assert await adapter.resolve_group_id() == GROUP
    assert await adapter.resolve_group_id() == GROUP
    assert vk.methods() == ["groups.getById"]
