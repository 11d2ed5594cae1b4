"""Webhook delivery (NOTES §3.2) to the real adapter's `MaxWebhook` route."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from adapters.base import Event
from adapters.max_messenger import MaxAdapter, MaxWebhook
from tests.emulator.max.conftest import Harness


async def test_webhook_delivers_with_the_secret(
    fast: Harness, adapter: MaxAdapter, aiohttp_server: Any
) -> None:
    hook = MaxWebhook("s3cret-value")
    app = web.Application()
    hook.add_routes(app)
    server = await aiohttp_server(app)
    url = str(server.make_url(hook.path))
    events: list[Event] = []

    async def handle(batch: list[Event]) -> None:
        events.extend(batch)

    task = asyncio.create_task(hook.run(handle))
    anna = await fast.user()
    chat = await fast.chat([anna])
    await adapter.subscribe(url, "s3cret-value", ["message_created"])
    await fast.ctl("POST", "faults", {"kind": "duplicate", "method": "webhook"})
    await fast.say(chat, anna, "по вебхуку")
    await fast.ctl("PATCH", f"chats/{chat}", {"title": "x"})
    for _ in range(100):
        if len(events) >= 2:
            break
        await asyncio.sleep(0.02)
    assert [e.text for e in events] == ["по вебхуку", "по вебхуку"]  # duplicated on purpose
    assert events[0].event_id == events[1].event_id  # so the intake's dedup drops one
    assert (await fast.updates())["updates"] == []  # polling is off while subscribed
    await adapter.unsubscribe(url)
    await hook.stop()
    await task


async def test_a_wrong_secret_is_retried_then_dropped(fast: Harness, aiohttp_server: Any) -> None:
    hook = MaxWebhook("right-secret")
    app = web.Application()
    hook.add_routes(app)
    server = await aiohttp_server(app)
    fast.hub.bot_front.webhooks.retry_delay = 0.0  # type: ignore[attr-defined]
    await fast.ok(
        "POST", "/subscriptions", {"url": str(server.make_url(hook.path)), "secret": "wrong-secret"}
    )
    anna = await fast.user()
    await fast.ctl("POST", f"users/{anna}/messages", {"text": "x"})
    webhooks = fast.hub.bot_front.webhooks  # type: ignore[attr-defined]
    for _ in range(200):
        if webhooks.dropped:
            break
        await asyncio.sleep(0.01)
    assert webhooks.dropped == 1 and webhooks.delivered == 0 and hook.received == 0
