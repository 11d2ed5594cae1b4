"""Contract: the MAX front's answers and updates match the official schema (schema.yaml).

Each served call's 200 answer is validated against the schema the operation names;
error answers against `Error`; every update type the front emits against its
`Update` member.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.adapters.max.schema import check, check_update
from tests.emulator.max.conftest import Harness

KEYBOARD = {
    "type": "inline_keyboard",
    "payload": {
        "buttons": [
            [{"type": "callback", "text": "Да", "payload": '{"ok":1}', "intent": "positive"}],
            [{"type": "link", "text": "Правила", "url": "https://x.ru"}],
        ]
    },
}


@pytest.fixture
async def scene(fast: Harness) -> dict[str, str]:
    anna, boris, vera = await fast.user(), await fast.user("Борис"), await fast.user("Вера")
    chat = await fast.chat([anna, boris, vera], admins=[anna])
    first = await fast.say(chat, boris, "первое")
    return {"anna": anna, "boris": boris, "vera": vera, "chat": chat, "first": first}


async def test_answers_match_the_schema(fast: Harness, scene: dict[str, str]) -> None:
    chat, first = scene["chat"], scene["first"]
    sent = await fast.ok(
        "POST",
        "/messages",
        {"text": "k", "attachments": [KEYBOARD], "link": {"type": "reply", "mid": first}},
        chat_id=chat,
    )
    check("SendMessageResult", sent)
    check(
        "SendMessageResult",
        await fast.ok("POST", "/messages", {"text": "л"}, user_id=scene["anna"]),
    )
    mid = sent["message"]["body"]["mid"]
    cases: list[tuple[str, str, Any, dict[str, Any], str]] = [
        ("GET", "/me", None, {}, "BotInfo"),
        ("GET", f"/chats/{chat}", None, {}, "Chat"),
        ("GET", f"/chats/{scene['anna']}", None, {}, "Chat"),  # a dialog
        ("GET", f"/chats/{chat}/members/me", None, {}, "ChatMember"),
        ("GET", f"/chats/{chat}/members", None, {"count": 2}, "ChatMembersList"),
        ("GET", f"/chats/{chat}/members", None, {"user_ids": scene["anna"]}, "ChatMembersList"),
        ("GET", f"/chats/{chat}/members/admins", None, {}, "ChatMembersList"),
        ("PUT", "/messages", {"text": "k2", "attachments": None, "link": None},
         {"message_id": mid}, "SimpleQueryResult"),
        ("PUT", f"/chats/{chat}/pin", {"message_id": mid, "notify": False}, {},
         "SimpleQueryResult"),
        ("GET", f"/chats/{chat}/pin", None, {}, "GetPinnedMessageResult"),
        ("DELETE", f"/chats/{chat}/members", None, {"user_id": scene["vera"]}, "SimpleQueryResult"),
        ("POST", f"/chats/{chat}/members", {"user_ids": [int(scene["vera"])]}, {},
         "ModifyMembersResult"),
        ("DELETE", "/messages", None, {"message_id": first}, "SimpleQueryResult"),
        ("POST", "/subscriptions", {"url": "http://127.0.0.1:9/x", "secret": "abcde"}, {},
         "SimpleQueryResult"),
        ("GET", "/subscriptions", None, {}, "GetSubscriptionsResult"),
        ("DELETE", "/subscriptions", None, {"url": "http://127.0.0.1:9/x"}, "SimpleQueryResult"),
        ("GET", "/updates", None, {"timeout": 0}, "UpdateList"),
    ]  # fmt: skip
    for verb, path, body, query, schema in cases:
        answer = await fast.ok(verb, path, body, **query)
        check(schema, answer)


async def test_errors_match_the_schema(fast: Harness, scene: dict[str, str]) -> None:
    for verb, path, query, status in [
        ("GET", "/chats/-70000000099", {}, 404),
        ("POST", "/messages", {"chat_id": "x"}, 400),
        ("DELETE", f"/chats/{scene['chat']}/members", {"user_id": "1", "block": "maybe"}, 400),
    ]:
        code, answer = await fast.api(
            verb, path, {"text": "x"} if verb == "POST" else None, **query
        )
        assert code == status, answer
        check("Error", answer)
    code, answer = await fast.api("GET", "/me", token="wrong")
    assert code == 401 and answer["code"] == "verify.token"
    check("Error", answer)
    code, answer = await fast.api("DELETE", "/messages", message_id="mid.nothing")
    assert code == 200 and answer["success"] is False
    check("SimpleQueryResult", answer)


async def test_every_update_type_matches_the_schema(fast: Harness, scene: dict[str, str]) -> None:
    chat, anna, boris = scene["chat"], scene["anna"], scene["boris"]
    outsider = await fast.user("Гость")
    marker = (await fast.updates())["marker"]  # past what the scene made
    sent = await fast.ok(
        "POST", "/messages", {"text": "k", "attachments": [KEYBOARD]}, chat_id=chat
    )
    mid = sent["message"]["body"]["mid"]
    reply = await fast.say(chat, boris, "ответ", reply_to=mid)
    await fast.ctl("PATCH", f"chats/{chat}/messages/{reply}", {"text": "исправлено"})
    await fast.ctl("POST", "press", {"user_id": anna, "chat_id": chat, "message_id": mid,
                                     "payload": {"ok": 1}})  # fmt: skip
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": outsider, "by": anna})
    await fast.ctl("DELETE", f"chats/{chat}/members/{outsider}?by={anna}")
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": outsider})  # by link
    await fast.ctl("DELETE", f"chats/{chat}/members/{outsider}")  # leaves
    await fast.ctl("POST", f"users/{anna}/messages", {"text": "лично"})
    other = await fast.chat([anna], bot_is_admin=False)
    await fast.ctl("DELETE", f"chats/{other}/members/229229229?by={anna}")
    await fast.ctl("POST", f"chats/{other}/members", {"user_id": "229229229", "by": anna})
    updates = (await fast.updates(marker=marker))["updates"]
    types = [u["update_type"] for u in updates]
    assert types == [
        "message_created",
        "message_edited",
        "message_callback",
        "user_added",
        "user_removed",
        "user_added",
        "user_removed",
        "message_created",
        "bot_removed",
        "bot_added",
    ]
    for update in updates:
        check_update(update)
    stamps = [u["timestamp"] for u in updates]
    assert stamps == sorted(set(stamps)) and stamps[0] > 10**12  # ms, strictly rising
    created, _, callback, joined, removed, by_link, left, private, *_ = updates
    assert created["message"]["link"]["message"]["mid"] == mid
    assert json.loads(callback["callback"]["payload"]) == {"ok": 1}
    assert joined["inviter_id"] == int(anna) and removed["admin_id"] == int(anna)
    assert by_link["inviter_id"] is None and "admin_id" not in left
    assert private["message"]["recipient"]["chat_type"] == "dialog"
