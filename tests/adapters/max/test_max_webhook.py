"""MaxWebhook: secret check, an immediate 200, in-order hand-off, clean stop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiohttp import web
from aiohttp.test_utils import TestClient

from adapters.base import Event, EventSource
from adapters.max_messenger import SECRET_HEADER, MaxWebhook
from tests.adapters.max import samples as s
from tests.adapters.max.conftest import eventually

SECRET = "Abc-123_secret"


async def client_for(hook: MaxWebhook, aiohttp_client) -> TestClient:  # type: ignore[no-untyped-def]
    app = web.Application()
    hook.add_routes(app)
    client: TestClient = await aiohttp_client(app)
    return client


async def deliver(client: TestClient, update: object, secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    resp = await client.post("/max/webhook", json=update, headers=headers)
    return resp.status


async def test_wrong_or_missing_secret_is_403(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    hook = MaxWebhook(SECRET)
    client = await client_for(hook, aiohttp_client)
    assert await deliver(client, s.created(), secret="nope-nope") == 403
    assert await deliver(client, s.created(), secret=None) == 403
    assert hook.received == 0


async def test_answers_at_once_and_hands_on_in_order(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    hook = MaxWebhook(SECRET)
    assert isinstance(hook, EventSource)
    client = await client_for(hook, aiohttp_client)
    release = asyncio.Event()
    handled: list[str] = []

    async def handle(batch: Sequence[Event]) -> None:
        await release.wait()  # a slow handler must not hold MAX's request
        handled.extend(e.message_id for e in batch)

    runner = asyncio.create_task(hook.run(handle))
    for n in range(5):
        status = await asyncio.wait_for(deliver(client, s.created(mid=f"mid.{n}")), 1)
        assert status == 200
    assert handled == []
    release.set()
    await eventually(lambda: len(handled) == 5)
    await hook.stop()
    await asyncio.wait_for(runner, 1)
    assert handled == [f"mid.{n}" for n in range(5)]


async def test_unreadable_or_unknown_is_acknowledged(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    hook = MaxWebhook(SECRET)
    client = await client_for(hook, aiohttp_client)
    resp = await client.post("/max/webhook", data=b"{not json", headers={SECRET_HEADER: SECRET})
    assert resp.status == 200
    assert await deliver(client, {"update_type": "dialog_muted", "timestamp": 1}) == 200
    assert await deliver(client, [1, 2]) == 200
    assert hook.received == 0


async def test_failed_batch_is_retried_and_stop_drains(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    hook = MaxWebhook(SECRET, retry_delay=0.01)
    client = await client_for(hook, aiohttp_client)
    calls: list[list[str]] = []

    async def handle(batch: Sequence[Event]) -> None:
        calls.append([e.message_id for e in batch])
        if len(calls) == 1:
            raise RuntimeError("database is down")

    await deliver(client, s.created(mid="mid.a"))
    await deliver(client, s.created(mid="mid.b"))
    runner = asyncio.create_task(hook.run(handle))
    await eventually(lambda: len(calls) >= 2)
    await deliver(client, s.created(mid="mid.c"))
    await hook.stop()  # acknowledged events are still handed on
    await asyncio.wait_for(runner, 1)
    assert calls[0] == calls[1] == ["mid.a", "mid.b"]
    assert calls[-1] == ["mid.c"]


async def test_full_queue_asks_for_redelivery(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    hook = MaxWebhook(SECRET, max_queue=1)
    client = await client_for(hook, aiohttp_client)
    assert await deliver(client, s.created(mid="mid.a")) == 200
    assert await deliver(client, s.created(mid="mid.b")) == 503


async def test_stop_when_idle(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    hook = MaxWebhook(SECRET)

    async def handle(batch: Sequence[Event]) -> None: ...

    runner = asyncio.create_task(hook.run(handle))
    await asyncio.sleep(0.02)
    await hook.stop()
    await asyncio.wait_for(runner, 1)
