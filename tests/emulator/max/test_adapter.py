"""The real `MaxAdapter` against the MAX front: every protocol method succeeds, and
refusals come back as the typed errors the bot relies on."""

from __future__ import annotations

import asyncio

import pytest

from adapters.base import Button, Event, Keyboard
from adapters.errors import NotAdmin, NotFound, PrivacyRefused
from adapters.max_messenger import MaxAdapter
from tests.adapters.max.conftest import Cursors
from tests.emulator.max.conftest import Harness


async def test_messages_and_buttons(fast: Harness, adapter: MaxAdapter) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna])
    first = await fast.say(chat, boris, "привет")
    keyboard = Keyboard(rows=((Button("Ок", {"cmd": "ok"}, "primary"),),))
    mid = await adapter.send_message(chat, "ответ", keyboard=keyboard, reply_to=first)
    view = await fast.ctl("GET", f"chats/{chat}")
    sent = view["messages"][-1]
    assert sent["message_id"] == mid and sent["from_bot"] and sent["reply_to"] == first
    assert sent["keyboard"]["buttons"][0][0]["payload"] == {"cmd": "ok"}
    assert await adapter.send_private(anna, "лично")
    await adapter.delete_messages(chat, [first, mid])
    await adapter.delete_messages(chat, [first])  # already gone: harmless
    assert all(m["deleted"] for m in (await fast.ctl("GET", f"chats/{chat}"))["messages"][-2:])


async def test_button_press_is_answered(fast: Harness, adapter: MaxAdapter) -> None:
    anna = await fast.user()
    chat = await fast.chat([anna])
    keyboard = Keyboard(rows=((Button("Ок", {"cmd": "ok"}),),))
    mid = await adapter.send_message(chat, "нажми", keyboard=keyboard)
    events: list[Event] = []
    polling = adapter.polling(Cursors(), timeout=1)

    async def handle(batch: list[Event]) -> None:
        events.extend(batch)

    task = asyncio.create_task(polling.run(handle))
    press = {"user_id": anna, "chat_id": chat, "message_id": mid, "payload": {"cmd": "ok"}}
    await fast.ctl("POST", "press", press)
    for _ in range(100):
        if events:
            break
        await asyncio.sleep(0.02)
    await polling.stop()
    await task
    [event] = events
    assert event.kind == "button" and event.payload == {"cmd": "ok"} and event.user_id == anna
    await adapter.answer_button(event, "Готово")
    inbox = await fast.ctl("GET", f"users/{anna}/messages")
    assert inbox["notifications"][-1]["event_data"] == {"notification": "Готово"}


async def test_members_and_rights(fast: Harness, adapter: MaxAdapter) -> None:
    people = [await fast.user(f"Ученик {i}") for i in range(150)]
    chat = await fast.chat(people, admins=people[:1])
    members = await adapter.list_members(chat)  # two pages of 100
    assert len(members) == 151 and {m.user_id for m in members} >= set(people)
    admins = await adapter.list_admins(chat)
    assert [a.user_id for a in admins if a.is_owner] == [people[0]]
    assert await adapter.check_rights(chat) == (True, [])
    info = await adapter.chat_info(chat)
    assert info.chat_id == chat and info.link and info.participants_count == 151
    me = await adapter.get_me()
    assert me["is_bot"] and str(me["user_id"]) in {m.user_id for m in members}


async def test_remove_block_and_readd(fast: Harness, adapter: MaxAdapter) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    shy = await fast.user("Вера", allows_invites=False)
    chat = await fast.chat([anna, boris, shy], admins=[anna])
    assert await adapter.remove_member(chat, boris, block=True) is True
    refused = await fast.ctl("POST", f"chats/{chat}/members", {"user_id": boris}, status=409)
    assert refused["error"] == "blocked"
    await adapter.add_member(chat, boris)  # the bot's re-add lifts the block
    assert boris in {m["user_id"] for m in (await fast.ctl("GET", f"chats/{chat}"))["members"]}
    assert await adapter.remove_member(chat, shy) is False
    with pytest.raises(PrivacyRefused):
        await adapter.add_member(chat, shy)
    assert await adapter.remove_member(chat, shy) is False  # already gone: NotFound absorbed


async def test_block_needs_a_link(fast: Harness, adapter: MaxAdapter) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna])
    await fast.ctl("PATCH", f"chats/{chat}", {"has_link": False})
    assert await adapter.remove_member(chat, boris, block=True) is False
    with pytest.raises(NotFound):
        await adapter.invite_link(chat)
    assert (await fast.ctl("GET", f"chats/{chat}"))["blocked"] == []


async def test_refusals_without_admin_rights(fast: Harness, adapter: MaxAdapter) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna], bot_is_admin=False)
    with pytest.raises(NotAdmin):
        await adapter.remove_member(chat, boris)
    with pytest.raises(NotAdmin):
        await adapter.list_members(chat)
    said = await fast.say(chat, boris, "спам")
    with pytest.raises(NotAdmin):
        await adapter.delete_messages(chat, [said])
    assert await adapter.check_rights(chat) == (
        False,
        ["read_all_messages", "write", "add_remove_members", "pin_message"],
    )


async def test_private_message_refused_by_privacy(fast: Harness, adapter: MaxAdapter) -> None:
    quiet = await fast.user("Тихоня", allows_messages=False)
    with pytest.raises(PrivacyRefused):
        await adapter.send_private(quiet, "привет")


async def test_subscriptions(fast: Harness, adapter: MaxAdapter) -> None:
    await adapter.subscribe("http://127.0.0.1:9/hook", "s3cret-value", ["message_created"])
    [sub] = await adapter.subscriptions()
    assert sub["url"] == "http://127.0.0.1:9/hook" and sub["update_types"] == ["message_created"]
    await adapter.unsubscribe("http://127.0.0.1:9/hook")
    assert await adapter.subscriptions() == []
