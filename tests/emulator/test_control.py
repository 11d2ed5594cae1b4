"""The control API: people act, the bot's effects are visible, ids are strings."""

from __future__ import annotations

import json
from pathlib import Path

from tests.emulator.conftest import AppFactory, Harness

KEYBOARD = json.dumps(
    {
        "inline": True,
        "buttons": [
            [
                {"action": {"type": "callback", "label": "Принять", "payload": '{"v":"ok"}'}},
                {"action": {"type": "callback", "label": "Отозвать", "payload": '{"v":"undo"}'}},
            ]
        ],
    }
)


async def test_ids_are_strings_as_the_bot_sees_them(fast: Harness) -> None:
    created = await fast.ctl("POST", "users", {"name": "Анна"}, status=201)
    assert created == {"user_id": "101"}
    chat = await fast.ctl("POST", "chats", {"title": "9Б", "member_ids": [101], "admin_ids": []})
    assert chat == {"chat_id": "2000000001"}
    sent = await fast.ctl("POST", "chats/2000000001/messages", {"from_id": 101, "text": "hi"})
    assert sent == {"message_id": "1"}


async def test_chat_view_shows_bot_effects(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna])
    cmid = await fast.say(chat, boris, "плохое слово")
    await fast.ok("messages.delete", peer_id=chat, cmids=cmid, delete_for_all=1)
    await fast.ok(
        "messages.send",
        peer_ids=chat,
        random_id=3,
        message="Предупреждение",
        keyboard=KEYBOARD,
        disable_mentions=1,
        forward=json.dumps(
            {"peer_id": int(chat), "conversation_message_ids": [1], "is_reply": True}
        ),
    )
    view = await fast.ctl("GET", f"chats/{chat}")
    assert view["title"] == "7А родители"
    assert {"user_id": anna, "is_admin": True, "is_owner": True} in view["members"]
    first, second = view["messages"]
    assert first == first | {"message_id": "1", "from_id": boris, "deleted": True}
    assert second["from_id"] == "-1" and second["reply_to"] == "1"
    assert second["disable_mentions"] is True
    button = second["keyboard"]["buttons"][0][0]
    assert button == {"type": "callback", "label": "Принять", "payload": {"v": "ok"}}


async def test_random_id_dedup_returns_the_first_message(fast: Harness) -> None:
    anna = await fast.user()
    chat = await fast.chat([anna])
    first = await fast.ok("messages.send", peer_ids=chat, random_id=42, message="раз")
    again = await fast.ok("messages.send", peer_ids=chat, random_id=42, message="раз")
    other = await fast.ok("messages.send", peer_ids=chat, random_id=0, message="раз")
    zero = await fast.ok("messages.send", peer_ids=chat, random_id=0, message="раз")
    assert first == again
    assert (
        len(
            {
                first[0]["conversation_message_id"],
                other[0]["conversation_message_id"],
                zero[0]["conversation_message_id"],
            }
        )
        == 3
    )
    assert len((await fast.ctl("GET", f"chats/{chat}"))["messages"]) == 3


async def test_press_and_answer_reach_the_user(fast: Harness) -> None:
    anna = await fast.user()
    await fast.ctl("POST", f"users/{anna}/messages", {"text": "start"})
    cmid = await fast.ok(
        "messages.send", peer_ids=anna, random_id=0, message="?", keyboard=KEYBOARD
    )
    server, key, ts = await fast.longpoll()
    press = await fast.ctl(
        "POST",
        "press",
        {
            "user_id": anna,
            "chat_id": anna,
            "message_id": cmid[0]["conversation_message_id"],
            "payload": '{"v":"undo"}',
        },
    )
    event = (await fast.poll(server, key, ts))["updates"][0]["object"]
    assert event == event | {
        "event_id": press["event_id"],
        "payload": {"v": "undo"},
        "user_id": int(anna),
        "peer_id": int(anna),
    }
    data = '{"type":"show_snackbar","text":"Отозвано"}'
    await fast.ok(
        "messages.sendMessageEventAnswer",
        event_id=event["event_id"],
        user_id=anna,
        peer_id=anna,
        event_data=data,
    )
    inbox = await fast.ctl("GET", f"users/{anna}/messages")
    assert [m["text"] for m in inbox["messages"]] == ["?"]
    assert inbox["notifications"][0]["event_data"] == json.loads(data)
    again = await fast.api(
        "messages.sendMessageEventAnswer", event_id=event["event_id"], user_id=anna, peer_id=anna
    )
    assert again["error"]["error_code"] == 100


async def test_press_needs_a_real_button(fast: Harness) -> None:
    anna = await fast.user()
    chat = await fast.chat([anna])
    cmid = await fast.say(chat, anna, "без кнопок")
    body = {"user_id": anna, "chat_id": chat, "message_id": cmid, "payload": {}}
    await fast.ctl("POST", "press", body, status=404)


async def test_join_leave_and_errors(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna])
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": boris}, status=201)
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": boris}, status=409)
    await fast.ctl("DELETE", f"chats/{chat}/members/{boris}")
    await fast.ctl("POST", f"chats/{chat}/messages", {"from_id": boris, "text": "x"}, status=409)
    await fast.ctl("GET", "chats/2000000099", status=404)
    await fast.ctl("POST", "users", {}, status=400)
    await fast.ctl("POST", f"chats/{chat}/messages", {"from_id": "abc", "text": "x"}, status=400)


async def test_kick_by_the_bot_is_a_service_message_from_the_community(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna])
    await fast.ok("messages.removeChatUser", chat_id=chat[-1], member_id=boris)
    last = (await fast.ctl("GET", f"chats/{chat}"))["messages"][-1]
    assert last["from_id"] == "-1" and last["action"] == {"type": "kick", "member_id": boris}


async def test_token_and_reset(fast: Harness) -> None:
    assert (await fast.ctl("GET", "token"))["token"] == "test-token"
    await fast.user()
    server, key, ts = await fast.longpoll()
    await fast.ctl("POST", "reset")
    await fast.ctl("GET", "chats/2000000001", status=404)
    assert await fast.poll(server, key, ts) == {"failed": 2}
    assert (await fast.ctl("GET", "calls"))["calls"] == []


async def test_snapshot_survives_a_restart(make_emu: AppFactory, tmp_path: Path) -> None:
    factory = make_emu
    path = tmp_path / "world.json"
    first = await factory(snapshot_path=path)
    anna = await first.user()
    chat = await first.chat([anna])
    await first.ok(
        "messages.send", peer_id=chat, random_id=0, message="сохранено", keyboard=KEYBOARD
    )
    await first.client.close()
    assert path.exists()
    second = await factory(snapshot_path=path)
    view = await second.ctl("GET", f"chats/{chat}")
    assert view["messages"][0]["text"] == "сохранено"
    assert view["messages"][0]["keyboard"]["buttons"][0][1]["label"] == "Отозвать"
