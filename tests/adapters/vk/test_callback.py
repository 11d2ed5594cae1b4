"""The Callback API receiver (NOTES §3): confirmation, secret, `ok` at once, async delivery."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from adapters.base import Event, EventSource
from adapters.vk_messenger import VkCallback, callback_app

from .conftest import GROUP
from .test_parse import message_new

SECRET = "s3cr3t"


class Inbox:
    def __init__(self, fail: bool = False) -> None:
        self.events: list[Event] = []
        self.got = asyncio.Event()
        self.fail = fail

    async def __call__(self, batch: Sequence[Event]) -> None:
        await asyncio.sleep(0)  # handled after the answer went out
        self.events.extend(batch)
        self.got.set()
        if self.fail:
            raise RuntimeError("handler bug")


def signed(body: dict[str, Any]) -> dict[str, Any]:
    return body | {"secret": SECRET}


@pytest.fixture
async def client(aiohttp_client: Any) -> tuple[Any, Inbox]:
    inbox = Inbox()
    app = callback_app(inbox, confirmation="a1b2c3", secret=SECRET, group_id=GROUP)
    return await aiohttp_client(app), inbox


async def test_confirmation_answers_the_code(client: tuple[Any, Inbox]) -> None:
    http, _ = client
    resp = await http.post("/", json={"type": "confirmation", "group_id": GROUP})
    assert resp.status == 200 and await resp.text() == "a1b2c3"


async def test_an_event_is_answered_ok_and_handed_on(client: tuple[Any, Inbox]) -> None:
    http, inbox = client
    resp = await http.post("/", json=signed(message_new("привет")))
    assert resp.status == 200 and await resp.text() == "ok"
    await asyncio.wait_for(inbox.got.wait(), 2)
    assert inbox.events[0].text == "привет" and inbox.events[0].event_id == "e1f0"
    assert "secret" not in inbox.events[0].raw  # raw may end up in logs


@pytest.mark.parametrize(
    "body",
    [message_new("x"), message_new("x") | {"secret": "wrong"}, message_new("x") | {"secret": 5},
     signed(message_new("x")) | {"group_id": 7}],
)  # fmt: skip
async def test_wrong_secret_or_group_is_refused(client: tuple[Any, Inbox], body: Any) -> None:
    http, inbox = client
    resp = await http.post("/", json=body)
    assert resp.status == 403
    assert inbox.events == []


async def test_unknown_events_are_acknowledged_and_dropped(client: tuple[Any, Inbox]) -> None:
    http, inbox = client
    resp = await http.post("/", json=signed({"type": "group_join", "group_id": GROUP,
                                             "event_id": "z", "object": {}}))  # fmt: skip
    assert await resp.text() == "ok"
    await asyncio.sleep(0.01)
    assert inbox.events == []


async def test_bad_bodies(client: tuple[Any, Inbox]) -> None:
    http, _ = client
    assert (await http.post("/", data=b"{nope")).status == 400
    assert (await http.post("/", json=[1, 2])).status == 400


async def test_a_failing_handler_does_not_break_the_receiver(aiohttp_client: Any) -> None:
    inbox = Inbox(fail=True)
    http = await aiohttp_client(callback_app(inbox, confirmation="c"))
    for text in ("a", "b"):
        assert await (await http.post("/", json=message_new(text))).text() == "ok"
    await asyncio.sleep(0.02)
    assert [e.text for e in inbox.events] == ["a", "b"]


async def test_as_an_event_source(aiohttp_client: Any) -> None:
    source = VkCallback(confirmation=None, secret=SECRET)
    assert isinstance(source, EventSource)
    http = await aiohttp_client(source.app())
    assert (await http.post("/", json=signed(message_new("early")))).status == 503
    assert (await http.post("/", json={"type": "confirmation", "group_id": 1})).status == 500
    inbox = Inbox()
    task = asyncio.create_task(source.run(inbox))
    await asyncio.sleep(0)
    assert await (await http.post("/", json=signed(message_new("on time")))).text() == "ok"
    await source.stop()  # lets the handed-on event finish
    assert [e.text for e in inbox.events] == ["on time"]
    await asyncio.wait_for(task, 1)
    assert (await http.post("/", json=signed(message_new("late")))).status == 503
