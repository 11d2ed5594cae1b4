"""The adapter, long poll and callback receiver against the VK emulator, end to end.

People act through the emulator's control API (`/emulator/...`); the bot side is the
real `VkAdapter` + `VkLongPoll` speaking the VK wire protocol.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from adapters import emulator
from adapters.base import Button, Event, EventKind, Keyboard
from adapters.errors import FloodControl
from adapters.vk_messenger import VkAdapter, VkLongPoll

from .conftest import FAST_RETRY, MemoryCursors

TOKEN = "emulated-token"


@dataclass
class World:
    client: Any  # the emulator's test client: the control API
    adapter: VkAdapter
    events: list[Event]
    arrived: asyncio.Condition

    async def control(self, verb: str, path: str, **body: Any) -> Any:
        resp = await self.client.request(verb, "/emulator/" + path, json=body or None)
        assert resp.status < 300, await resp.text()
        return await resp.json()

    async def next_event(self, kind: EventKind) -> Event:
        async with asyncio.timeout(3), self.arrived:
            await self.arrived.wait_for(lambda: any(e.kind is kind for e in self.events))
        found = next(e for e in self.events if e.kind is kind)
        self.events.remove(found)
        return found


@pytest.fixture
async def world(aiohttp_client: Any) -> AsyncIterator[World]:
    from storage.state.memory import MemoryState

    app = emulator.create_emulator_app("vk", TOKEN, group_id=7, rps_limit=None)
    client = await aiohttp_client(app)
    adapter = VkAdapter(TOKEN, limiter=MemoryState(), api_url=str(client.make_url("/method/")),
                        rate=1000, retry=FAST_RETRY)  # fmt: skip
    events: list[Event] = []
    arrived = asyncio.Condition()

    async def handle(batch: Sequence[Event]) -> None:
        async with arrived:
            events.extend(batch)
            arrived.notify_all()

    poll = VkLongPoll(adapter, MemoryCursors(), wait=1, backoff_base=0.001, backoff_max=0.01)
    task = asyncio.create_task(poll.run(handle))
    yield World(client, adapter, events, arrived)
    await poll.stop()
    await asyncio.wait_for(task, 3)
    await adapter.close()


async def test_a_chat_session(world: World) -> None:
    anna = (await world.control("POST", "users", name="Анна"))["user_id"]
    petya = (await world.control("POST", "users", name="Петя"))["user_id"]
    chat = (await world.control("POST", "chats", title="9Б", member_ids=[anna, petya],
                                owner_id=anna))["chat_id"]  # fmt: skip
    posted = await world.control("POST", f"chats/{chat}/messages", from_id=petya,
                                 text=f"плохое слово [id{anna}|Анна]")  # fmt: skip
    event = await world.next_event(EventKind.MESSAGE)
    assert (event.chat_id, event.user_id, event.message_id) == (chat, petya, posted["message_id"])
    assert event.mentions == (anna,) and event.event_id

    reply = await world.adapter.send_message(
        chat, "Предупреждение: правило 1", reply_to=event.message_id
    )
    await world.adapter.delete_messages(chat, [event.message_id])
    view = await world.control("GET", f"chats/{chat}")
    by_id = {m["message_id"]: m for m in view["messages"]}
    assert by_id[event.message_id]["deleted"]
    assert by_id[reply]["text"] == "Предупреждение: правило 1"

    admins = await world.adapter.list_admins(chat)
    assert anna in {m.user_id for m in admins}
    assert await world.adapter.remove_member(chat, petya) is False
    left = await world.next_event(EventKind.MEMBER_LEFT)
    assert (left.user_id, left.actor_id) == (petya, "-7")
    assert await world.adapter.remove_member(chat, petya) is False  # already gone: done
    assert (await world.adapter.invite_link(chat)).startswith("http")


async def test_a_button_press(world: World) -> None:
    anna = (await world.control("POST", "users", name="Анна"))["user_id"]
    chat = (await world.control("POST", "chats", title="9Б", member_ids=[anna]))["chat_id"]
    kb = Keyboard.of([Button("Ознакомлен", {"a": "ack"}, "positive")])
    message_id = await world.adapter.send_message(chat, "Правила", keyboard=kb)
    await world.control("POST", "press", chat_id=chat, user_id=anna, message_id=message_id,
                        payload={"a": "ack"})  # fmt: skip
    press = await world.next_event(EventKind.BUTTON)
    assert press.payload == {"a": "ack"} and press.user_id == anna
    await world.adapter.answer_button(press, "Спасибо")
    inbox = await world.control("GET", f"users/{anna}/messages")
    assert any(n["event_data"].get("text") == "Спасибо" for n in inbox["notifications"])


async def test_faults(world: World) -> None:
    anna = (await world.control("POST", "users", name="Анна"))["user_id"]
    chat = (await world.control("POST", "chats", title="9Б", member_ids=[anna]))["chat_id"]
    await world.control("POST", "faults", kind="http_500", method="messages.send", count=2)
    assert await world.adapter.send_message(chat, "дошло")
    await world.control("POST", "faults", kind="api_error", method="messages.send", code=9,
                        count=1)  # fmt: skip
    with pytest.raises(FloodControl):
        await world.adapter.send_message(chat, "флуд")
    await world.control("POST", "faults", kind="longpoll_failed", failed=2, count=1)
    await world.control("POST", f"chats/{chat}/messages", from_id=anna, text="после сбоя")
    event = await world.next_event(EventKind.MESSAGE)
    assert event.text == "после сбоя"


async def test_a_burst_is_batched(world: World) -> None:
    anna = (await world.control("POST", "users", name="Анна"))["user_id"]
    chat = (await world.control("POST", "chats", title="9Б", member_ids=[anna]))["chat_id"]
    ids = await asyncio.gather(*(world.adapter.send_message(chat, f"№{i}") for i in range(30)))
    assert len(set(ids)) == 30
    calls = (await world.control("GET", "calls"))["calls"]
    assert any(c.get("method") == "execute" for c in calls)
