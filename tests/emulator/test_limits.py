"""The live limits and refusals: 6, 914, 911, 917, 919/931, 925, 935, 901, 15."""

from __future__ import annotations

import asyncio
import json

from tests.emulator.conftest import Harness


async def test_21st_request_within_a_second_is_6(emu: Harness) -> None:
    bodies = await asyncio.gather(*(emu.api("groups.getById") for _ in range(21)))
    codes = [b.get("error", {}).get("error_code") for b in bodies]
    assert codes.count(None) == 20 and codes.count(6) == 1
    assert (await emu.ctl("GET", "calls"))["calls"][-1]["error"]["error_code"] in (None, 6)


async def test_execute_counts_as_one_request(emu: Harness) -> None:
    calls = ",".join(["API.groups.getById({})"] * 25)
    for _ in range(20):
        body = await emu.api("execute", code=f"return [{calls}];")
        assert len(body["response"]) == 25
    assert (await emu.api("groups.getById"))["error"]["error_code"] == 6


async def test_text_over_4096_is_914(fast: Harness) -> None:
    anna = await fast.user()
    body = await fast.api("messages.send", peer_id=anna, message="я" * 4097, random_id=0)
    assert body["error"]["error_code"] == 914
    assert await fast.ok("messages.send", peer_id=anna, message="я" * 4096, random_id=0)


async def test_bad_keyboard_is_911(fast: Harness) -> None:
    anna = await fast.user()
    row = [{"action": {"type": "callback", "label": str(i), "payload": "{}"}} for i in range(6)]
    for keyboard in (
        "{",
        json.dumps({"inline": True, "buttons": [row]}),
        json.dumps({"inline": True, "one_time": True, "buttons": []}),
    ):
        body = await fast.api(
            "messages.send", peer_id=anna, message="k", random_id=0, keyboard=keyboard
        )
        assert body["error"]["error_code"] == 911


async def test_bot_without_admin_rights(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna], bot_is_admin=False)
    kick = await fast.api("messages.removeChatUser", chat_id=chat[-1], member_id=boris)
    assert kick["error"]["error_code"] == 925
    members = await fast.api("messages.getConversationMembers", peer_id=chat)
    assert members["error"]["error_code"] == 917
    link = await fast.api("messages.getInviteLink", peer_id=chat)
    assert link["error"]["error_code"] == 919
    reset = await fast.api("messages.getInviteLink", peer_id=chat, reset=1)
    assert reset["error"]["error_code"] == 931
    cmid = await fast.say(chat, boris, "спам")
    deleted = await fast.ok("messages.delete", peer_id=chat, cmids=cmid, delete_for_all=1)
    assert deleted[0]["error"]["code"] == 924
    await fast.ctl("PATCH", f"chats/{chat}", {"bot_is_admin": True})
    assert await fast.ok("messages.removeChatUser", chat_id=chat[-1], member_id=boris) == 1


async def test_removed_bot_gets_917(fast: Harness) -> None:
    anna = await fast.user()
    chat = await fast.chat([anna], admins=[anna])
    await fast.ctl("DELETE", f"chats/{chat}/members/-1?by={anna}")
    body = await fast.api("messages.send", peer_id=chat, message="x", random_id=0)
    assert body["error"]["error_code"] == 917


async def test_member_who_left_is_935_and_admins_are_15(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna])
    await fast.ctl("DELETE", f"chats/{chat}/members/{boris}")
    body = await fast.api("messages.removeChatUser", chat_id=chat[-1], member_id=boris)
    assert body["error"] == body["error"] | {
        "error_code": 935,
        "error_msg": "User not found in chat",
    }
    owner = await fast.api("messages.removeChatUser", chat_id=chat[-1], member_id=anna)
    assert owner["error"]["error_code"] == 15


async def test_user_who_refuses_messages_is_901_until_they_write(fast: Harness) -> None:
    shy = (await fast.ctl("POST", "users", {"name": "Тихоня", "allows_messages": False}))["user_id"]
    body = await fast.api("messages.send", peer_id=shy, message="здравствуйте", random_id=0)
    assert body["error"]["error_code"] == 901
    await fast.ctl("POST", f"users/{shy}/messages", {"text": "начать"})
    assert await fast.ok("messages.send", peer_id=shy, message="здравствуйте", random_id=0)
