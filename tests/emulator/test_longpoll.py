"""Bots Long Poll semantics (NOTES §2): delivery, waiting, failed 1/2/3, duplicates."""

from __future__ import annotations

import asyncio

from tests.emulator.conftest import AppFactory, Harness


async def _scene(emu: Harness) -> tuple[str, str]:
    anna = await emu.user()
    return anna, await emu.chat([anna], admins=[anna])


async def test_message_posted_appears_in_a_check(fast: Harness) -> None:
    anna, chat = await _scene(fast)
    server, key, ts = await fast.longpoll()
    assert server.endswith("/bots_lp/1")
    await fast.say(chat, anna, "привет")
    body = await fast.poll(server, key, ts)
    assert int(body["ts"]) == int(ts) + 1
    message = body["updates"][0]["object"]["message"]
    assert (message["peer_id"], message["from_id"], message["text"]) == (
        int(chat),
        int(anna),
        "привет",
    )
    assert message["conversation_message_id"] == 1 and message["id"] == 0
    assert (await fast.poll(server, key, body["ts"]))["updates"] == []


async def test_wait_holds_until_an_event_arrives(fast: Harness) -> None:
    anna, chat = await _scene(fast)
    server, key, ts = await fast.longpoll()
    poll = asyncio.create_task(fast.poll(server, key, ts, wait=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await fast.say(chat, anna, "ну что")
    body = await asyncio.wait_for(poll, 1)
    assert body["updates"][0]["object"]["message"]["text"] == "ну что"


async def test_empty_answer_after_wait(fast: Harness) -> None:
    server, key, ts = await fast.longpoll()
    assert await fast.poll(server, key, ts, wait=0.1) == {"ts": ts, "updates": []}


async def test_private_message_peer_is_the_user(fast: Harness) -> None:
    anna = await fast.user()
    server, key, ts = await fast.longpoll()
    await fast.ctl("POST", f"users/{anna}/messages", {"text": "вопрос"})
    message = (await fast.poll(server, key, ts))["updates"][0]["object"]["message"]
    assert message["peer_id"] == int(anna) and message["id"] > 0


async def test_failed_1_gives_a_new_ts_and_keeps_the_key(fast: Harness) -> None:
    server, key, ts = await fast.longpoll()
    assert await fast.poll(server, key, "99999") == {"failed": 1, "ts": ts}
    await fast.ctl("POST", "faults", {"kind": "longpoll_failed", "failed": 1})
    body = await fast.poll(server, key, ts)
    assert body == {"failed": 1, "ts": ts}
    assert "updates" in await fast.poll(server, key, body["ts"])


async def test_failed_2_expires_the_key_until_refetched(fast: Harness) -> None:
    anna, chat = await _scene(fast)
    server, key, ts = await fast.longpoll()
    assert await fast.poll(server, "bogus", ts) == {"failed": 2}
    await fast.ctl("POST", "faults", {"kind": "longpoll_failed", "failed": 2})
    assert await fast.poll(server, key, ts) == {"failed": 2}
    await fast.say(chat, anna, "пока ключ меняли")
    assert await fast.poll(server, key, ts) == {"failed": 2}
    server, new_key, _ = await fast.longpoll()
    assert new_key != key
    body = await fast.poll(server, new_key, ts)  # the old ts keeps what happened meanwhile
    assert body["updates"][0]["object"]["message"]["text"] == "пока ключ меняли"


async def test_failed_3_needs_a_new_key_and_ts(fast: Harness) -> None:
    server, key, ts = await fast.longpoll()
    await fast.ctl("POST", "faults", {"kind": "longpoll_failed", "failed": 3})
    assert await fast.poll(server, key, ts) == {"failed": 3}
    assert await fast.poll(server, key, ts) == {"failed": 2}
    _, key, ts = await fast.longpoll()
    assert "updates" in await fast.poll(server, key, ts)


async def test_outdated_history_is_failed_1(make_emu: AppFactory) -> None:
    emu = await make_emu(rps_limit=None)
    emu.hub.world.events.keep = 2
    anna, chat = await _scene(emu)
    server, key, ts = await emu.longpoll()
    for i in range(6):
        await emu.say(chat, anna, str(i))
    body = await emu.poll(server, key, ts)
    assert body["failed"] == 1 and int(body["ts"]) > int(ts)
    assert len((await emu.poll(server, key, body["ts"]))["updates"]) >= 2


async def test_duplicate_delivery_repeats_the_batch(fast: Harness) -> None:
    anna, chat = await _scene(fast)
    server, key, ts = await fast.longpoll()
    await fast.ctl("POST", "faults", {"kind": "duplicate", "count": 1})
    await fast.say(chat, anna, "раз")
    first = await fast.poll(server, key, ts)
    second = await fast.poll(server, key, first["ts"])
    assert first["updates"] == second["updates"]
    assert first["updates"][0]["event_id"] == second["updates"][0]["event_id"]
    third = await fast.poll(server, key, second["ts"])
    assert third["updates"] == []


async def test_bot_without_admin_hears_only_mentions_and_service(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna, boris], admins=[anna], bot_is_admin=False)
    server, key, ts = await fast.longpoll()
    await fast.say(chat, anna, "обычное")
    await fast.say(chat, anna, "[club1|бот], правила")
    await fast.ctl("DELETE", f"chats/{chat}/members/{boris}")
    body = await fast.poll(server, key, ts)
    texts = [u["object"]["message"]["text"] for u in body["updates"]]
    assert texts == ["[club1|бот], правила", ""]
    assert int(body["ts"]) == int(ts) + 3


async def test_bot_added_to_a_chat_is_an_invite_of_minus_group_id(fast: Harness) -> None:
    anna = await fast.user()
    chat = await fast.chat([anna], admins=[anna])
    await fast.ctl("DELETE", f"chats/{chat}/members/-1?by={anna}")
    server, key, ts = await fast.longpoll()
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": "-1", "by": anna})
    message = (await fast.poll(server, key, ts))["updates"][0]["object"]["message"]
    assert message["action"] == {"type": "chat_invite_user", "member_id": -1}
    assert message["from_id"] == int(anna)
