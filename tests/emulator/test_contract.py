"""Contract: every served method's answers and every update match VK's JSON Schema.

Each response is validated against the response definition methods.json names
for it; long-poll updates against `callback_base` and the `callback_*` object of
their type. If the emulator and the schema disagree, these fail.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.emulator.conftest import Harness
from tests.emulator.schema import assert_valid, method_response_refs

KEYBOARD = json.dumps(
    {
        "inline": True,
        "buttons": [
            [{"action": {"type": "callback", "label": "Да", "payload": '{"ok":1}'}}],
            [{"action": {"type": "open_link", "label": "Правила", "link": "https://x.ru"}}],
        ],
    }
)


@pytest.fixture
async def scene(fast: Harness) -> dict[str, str]:
    anna, boris, vera = await fast.user(), await fast.user("Борис"), await fast.user("Вера")
    chat = await fast.chat([anna, boris, vera], admins=[anna])
    await fast.say(chat, boris, "первое")
    return {"anna": anna, "boris": boris, "vera": vera, "chat": chat, "chat_id": chat[-1]}


def fill(template: str, scene: dict[str, str]) -> str:
    for name, value in scene.items():
        template = template.replace("{" + name + "}", value)
    return template


def envelope(method: str, variant: str, body: dict[str, Any]) -> None:
    assert "error" not in body, body
    assert_valid(method_response_refs(method)[variant], body)


CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("groups.getById", "response", {}),
    ("groups.getLongPollServer", "response", {"group_id": 1}),
    ("messages.send", "deprecatedResponse", {"peer_id": "{chat}", "message": "x"}),
    ("messages.send", "userIdsResponse", {"peer_ids": "{chat},{anna}", "message": "x"}),
    (
        "messages.send",
        "userIdsResponse",
        {"peer_ids": "{chat}", "keyboard": KEYBOARD, "message": "k"},
    ),
    ("messages.getConversationMembers", "response", {"peer_id": "{chat}", "fields": "photo_50"}),
    ("messages.getInviteLink", "response", {"peer_id": "{chat}", "reset": 1}),
    ("messages.removeChatUser", "response", {"chat_id": "{chat_id}", "member_id": "{vera}"}),
    ("messages.delete", "response", {"peer_id": "{chat}", "cmids": "1,99", "delete_for_all": 1}),
    ("messages.edit", "response", {"peer_id": "{chat}", "cmid": 2, "message": "y"}),
    ("messages.pin", "response", {"peer_id": "{chat}", "cmid": 2}),
    ("users.get", "response", {"user_ids": "{anna},{boris},id{vera},5", "fields": "photo_100"}),
    ("groups.setLongPollSettings", "response", {"group_id": 1, "enabled": 1, "message_new": 1}),
]


@pytest.mark.parametrize(("method", "variant", "params"), CALLS, ids=[c[0] for c in CALLS])
async def test_method_response_matches_schema(
    fast: Harness, scene: dict[str, str], method: str, variant: str, params: dict[str, Any]
) -> None:
    await fast.ok("messages.send", peer_id=scene["chat"], message="before", random_id=0)
    filled = {k: fill(str(v), scene) for k, v in params.items()}
    if method == "messages.send":
        filled["random_id"] = "0"
    envelope(method, variant, await fast.api(method, **filled))


async def test_send_event_answer_matches_schema(fast: Harness, scene: dict[str, str]) -> None:
    sent = await fast.ok(
        "messages.send", peer_ids=scene["chat"], message="?", random_id=1, keyboard=KEYBOARD
    )
    press = await fast.ctl(
        "POST",
        "press",
        {
            "user_id": scene["boris"],
            "chat_id": scene["chat"],
            "message_id": sent[0]["conversation_message_id"],
            "payload": {"ok": 1},
        },
    )
    body = await fast.api(
        "messages.sendMessageEventAnswer",
        event_id=press["event_id"],
        user_id=scene["boris"],
        peer_id=scene["chat"],
        event_data='{"type":"show_snackbar","text":"Принято"}',
    )
    envelope("messages.sendMessageEventAnswer", "response", body)


async def test_execute_items_match_their_methods(fast: Harness, scene: dict[str, str]) -> None:
    """`execute` is `base_undefined_response` (an object) in the schema, yet VK returns
    whatever the code returns: here a list, so each item is checked as its method."""
    code = (
        f'return [API.users.get({{"user_ids": [{scene["anna"]}]}}),'
        f' API.messages.send({{"peer_id": {scene["chat"]}, "message": "b", "random_id": 0}})];'
    )
    body = await fast.api("execute", code=code)
    envelope("users.get", "response", {"response": body["response"][0]})
    envelope("messages.send", "deprecatedResponse", {"response": body["response"][1]})


async def test_error_envelope_shape(fast: Harness) -> None:
    body = await fast.api("messages.getConversationMembers")
    error = body["error"]
    assert error["error_code"] == 100
    assert {"key": "method", "value": "messages.getConversationMembers"} in error["request_params"]
    assert all(p["key"] != "access_token" for p in error["request_params"])


async def test_longpoll_updates_match_callback_objects(
    fast: Harness, scene: dict[str, str]
) -> None:
    server, key, ts = await fast.longpoll()
    chat, anna, boris = scene["chat"], scene["anna"], scene["boris"]
    cmid = await fast.say(chat, anna, "ответ", reply_to="1")
    await fast.ctl("PATCH", f"chats/{chat}/messages/{cmid}", {"text": "исправлено"})
    newcomer = await fast.user("Галина")
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": newcomer, "by": anna})
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": await fast.user("Дима")})
    await fast.ctl("DELETE", f"chats/{chat}/members/{boris}")
    await fast.ctl("POST", f"users/{anna}/messages", {"text": "лично"})
    sent = await fast.ok(
        "messages.send", peer_ids=chat, message="?", random_id=0, keyboard=KEYBOARD
    )
    await fast.ctl(
        "POST",
        "press",
        {
            "user_id": anna,
            "chat_id": chat,
            "message_id": sent[0]["conversation_message_id"],
            "label": "Да",
        },
    )
    updates = (await fast.poll(server, key, ts))["updates"]
    kinds = [u["type"] for u in updates]
    assert kinds == ["message_new", "message_edit"] + ["message_new"] * 4 + ["message_event"]
    objects = {
        "message_new": "callback_message_object",
        "message_edit": "callback_message",
        "message_event": "callback_message_event",
    }
    for update in updates:
        assert_valid("objects.json#/definitions/callback_base", update)
        assert_valid(f"objects.json#/definitions/{objects[update['type']]}", update["object"])
    actions = [u["object"]["message"].get("action") for u in updates[2:5]]
    assert [a["type"] for a in actions] == [
        "chat_invite_user",
        "chat_invite_user_by_link",
        "chat_kick_user",
    ]
    assert updates[-1]["object"]["payload"] == {"ok": 1}
