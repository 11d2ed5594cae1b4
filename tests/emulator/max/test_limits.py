"""The live limits and refusals of the MAX front (NOTES §0, §2, §5, §6)."""

from __future__ import annotations

import asyncio

from tests.emulator.max.conftest import Harness


async def test_31st_request_within_a_second_is_429(emu: Harness) -> None:
    answers = await asyncio.gather(*(emu.api("GET", "/me") for _ in range(31)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 30 + [429]
    assert [a for s, a in answers if s == 429] == [
        {"code": "too.many.requests", "message": "Too many requests"}
    ]


async def test_auth_is_the_raw_header_only(fast: Harness) -> None:
    status, body = await fast.api("GET", "/me", token=None, access_token="max-test-token")
    assert status == 403 and body["code"] == "deprecated.token"
    for token in (None, "Bearer max-test-token", "wrong"):
        status, body = await fast.api("GET", "/me", token=token)
        assert (status, body["code"]) == (401, "verify.token")


async def test_not_admin_is_403(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna], bot_is_admin=False)
    said = await fast.say(chat, boris, "спам")
    for verb, path, query in [
        ("GET", f"/chats/{chat}/members", {}),
        ("GET", f"/chats/{chat}/members/admins", {}),
        ("DELETE", f"/chats/{chat}/members", {"user_id": boris}),
        ("DELETE", "/messages", {"message_id": said}),
    ]:
        status, body = await fast.api(verb, path, **query)
        assert (status, body["code"]) == (403, "access.denied"), (path, body)
    me = await fast.ok("GET", f"/chats/{chat}/members/me")  # no admin needed to ask
    assert me["is_admin"] is False and me["permissions"] is None


async def test_a_missing_right_is_403(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna])
    await fast.ctl("PUT", f"max/chats/{chat}/rights", {"permissions": ["read_all_messages"]})
    status, body = await fast.api("DELETE", f"/chats/{chat}/members", user_id=boris)
    assert status == 403 and "add_remove_members" in body["message"]
    me = await fast.ok("GET", f"/chats/{chat}/members/me")
    assert me["permissions"] == ["read_all_messages"]


async def test_bot_cannot_delete_a_persons_private_message(fast: Harness) -> None:
    anna = await fast.user()
    mid = (await fast.ctl("POST", f"users/{anna}/messages", {"text": "hi"}))["message_id"]
    status, body = await fast.api("DELETE", "/messages", message_id=mid)
    assert status == 403 and body["message"] == "Insufficient permissions to delete message"


async def test_block_bars_a_link_rejoin(fast: Harness) -> None:
    anna, boris, vera = await fast.user(), await fast.user("Борис"), await fast.user("Вера")
    chat = await fast.chat([anna, boris, vera], admins=[anna])
    await fast.ok("DELETE", f"/chats/{chat}/members", user_id=boris, block=True)
    await fast.ok("DELETE", f"/chats/{chat}/members", user_id=vera)  # no block
    refused = await fast.ctl("POST", f"chats/{chat}/members", {"user_id": boris}, status=409)
    assert refused == {
        "error": "blocked",
        "detail": f"{boris} was removed with a block and cannot rejoin by link",
    }
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": vera})
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": boris, "by": anna})  # invited


async def test_block_is_ignored_without_a_link(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna])
    await fast.ctl("PATCH", f"chats/{chat}", {"has_link": False})
    assert (await fast.ok("GET", f"/chats/{chat}"))["link"] is None
    await fast.ok("DELETE", f"/chats/{chat}/members", user_id=boris, block=True)
    assert (await fast.ctl("GET", f"chats/{chat}"))["blocked"] == []
    refused = await fast.ctl("POST", f"chats/{chat}/members", {"user_id": boris}, status=409)
    assert refused["error"] == "access_denied"  # no link to join by at all


async def test_privacy_refuses_a_readd(fast: Harness) -> None:
    anna, shy = await fast.user(), await fast.user("Вера", allows_invites=False)
    chat = await fast.chat([anna], admins=[anna])
    status, body = await fast.api("POST", f"/chats/{chat}/members", {"user_ids": [int(shy), 999]})
    assert status == 200
    assert body == {
        "success": False,
        "message": "Failed to add some users",
        "failed_user_ids": [int(shy), 999],
        "failed_user_details": [
            {"error_code": "add.participant.privacy", "user_ids": [int(shy)]},
            {"error_code": "add.participant.not.found", "user_ids": [999]},
        ],
    }


async def test_success_false_answers(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna])
    said = await fast.say(chat, boris, "x")
    for verb, path, body, query in [
        ("DELETE", f"/chats/{chat}/members", None, {"user_id": 4242}),  # not in the chat
        ("DELETE", f"/chats/{chat}/members", None, {"user_id": anna}),  # the owner
        ("PUT", "/messages", {"text": "y"}, {"message_id": said}),  # not the bot's
        ("POST", "/answers", {"notification": "n"}, {"callback_id": "nope"}),
        ("DELETE", "/subscriptions", None, {"url": "http://nowhere/"}),
    ]:
        status, answer = await fast.api(verb, path, body, **query)
        assert status == 200 and answer["success"] is False and answer["message"], path
    await fast.ok("DELETE", "/messages", message_id=said)
    status, answer = await fast.api("DELETE", "/messages", message_id=said)
    assert (status, answer) == (200, {"success": False, "message": "Message not found"})


async def test_request_shapes_are_checked(fast: Harness) -> None:
    anna = await fast.user()
    too_long = {"text": "я" * 4001}
    row = [{"type": "callback", "text": str(i), "payload": "p"} for i in range(8)]
    wide = {
        "text": "k",
        "attachments": [{"type": "inline_keyboard", "payload": {"buttons": [row]}}],
    }
    for body in (too_long, wide, {"text": None}, {"text": "x", "format": "bbcode"}):
        status, _ = await fast.api("POST", "/messages", body, user_id=anna)
        assert status == 400, body
    await fast.ok("POST", "/messages", {"text": "я" * 4000}, user_id=anna)
