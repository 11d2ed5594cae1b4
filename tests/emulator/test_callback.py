"""Callback API delivery: confirmation handshake, secret, retries, duplicates."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from adapters.emulator.vk import VkFront
from tests.emulator.conftest import AppFactory


async def test_callback_confirms_then_delivers_with_secret(
    make_emu: AppFactory, aiohttp_server: Any
) -> None:
    received: list[dict[str, Any]] = []
    retries: list[str] = []
    arrived = asyncio.Event()

    async def bot(request: web.Request) -> web.Response:
        body = await request.json()
        if body["type"] == "confirmation":
            return web.Response(text="c0de" if body["group_id"] == 1 else "nope")
        if "X-Retry-Counter" in request.headers:
            retries.append(request.headers["X-Retry-Counter"])
        elif len(received) == 0:
            received.append({"refused": body["event_id"]})
            return web.Response(text="busy")  # VK must retry this one
        received.append(body)
        if len(received) >= 4:
            arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/vk", bot)
    server = await aiohttp_server(app)
    emu = await make_emu(
        callback_url=str(server.make_url("/vk")), secret="s3cret", confirmation_code="c0de"
    )
    front = emu.hub.front
    assert isinstance(front, VkFront) and front.callback is not None
    sender = front.callback
    sender.retry_delay = 0.01
    await asyncio.wait_for(sender.ready.wait(), 3)
    anna = await emu.user()
    chat = await emu.chat([anna])
    await emu.ctl("POST", "faults", {"kind": "duplicate", "method": "callback"})
    await emu.say(chat, anna, "раз")
    await emu.say(chat, anna, "два")
    await asyncio.wait_for(arrived.wait(), 3)
    refused, first, duplicate, second = received[:4]
    assert retries == ["1"] and refused["refused"] == first["event_id"]
    assert first == duplicate and first["secret"] == "s3cret"
    assert [first["object"]["message"]["text"], second["object"]["message"]["text"]] == [
        "раз",
        "два",
    ]
