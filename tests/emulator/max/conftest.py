"""Fixtures for the MAX front: an emulator app, a raw-HTTP harness and the real adapter.

Tests speak MAX's wire protocol (JSON bodies, the raw token in `Authorization`)
on the bot side and JSON on `/emulator/...`, as the adapter and a person would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from adapters.emulator import HUB, Emulator, create_emulator_app
from adapters.max_messenger import MaxAdapter
from adapters.outbound import RetryPolicy
from tests.adapters.max.conftest import Gcra

TOKEN = "max-test-token"


class Harness:
    """`api` makes a bot call and returns (status, body); `ctl` drives the control API."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client

    @property
    def hub(self) -> Emulator:
        assert self.client.app is not None
        return self.client.app[HUB]

    @property
    def url(self) -> str:
        return str(self.client.make_url("")).rstrip("/")

    async def api(
        self,
        verb: str,
        path: str,
        body: Any = None,
        token: str | None = TOKEN,
        **query: Any,
    ) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": token} if token is not None else {}
        params = {k: _wire(v) for k, v in query.items()}
        response = await self.client.request(verb, path, params=params, json=body, headers=headers)
        return response.status, await response.json()

    async def ok(self, verb: str, path: str, body: Any = None, **query: Any) -> dict[str, Any]:
        status, answer = await self.api(verb, path, body, **query)
        assert status == 200 and answer.get("success") is not False, (status, answer)
        return answer

    async def ctl(self, verb: str, path: str, body: Any = None, status: int = 0) -> Any:
        response = await self.client.request(verb, f"/emulator/{path}", json=body)
        if status:
            assert response.status == status, await response.text()
        else:
            assert response.status < 300, await response.text()
        return await response.json()

    async def user(self, name: str = "Анна Иванова", **extra: Any) -> str:
        return str((await self.ctl("POST", "users", {"name": name, **extra}))["user_id"])

    async def chat(
        self, members: list[str], admins: list[str] | None = None, bot_is_admin: bool = True
    ) -> str:
        body = {
            "title": "7А родители",
            "member_ids": members,
            "admin_ids": admins or [],
            "bot_is_admin": bot_is_admin,
        }
        return str((await self.ctl("POST", "chats", body))["chat_id"])

    async def say(self, chat_id: str, from_id: str, text: str, **extra: Any) -> str:
        body = {"from_id": from_id, "text": text, **extra}
        return str((await self.ctl("POST", f"chats/{chat_id}/messages", body))["message_id"])

    async def updates(self, **query: Any) -> dict[str, Any]:
        query.setdefault("timeout", 0)
        return await self.ok("GET", "/updates", **query)


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(value)


AppFactory = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def make_max(aiohttp_client: Any) -> AppFactory:
    async def make(**options: Any) -> Harness:
        options.setdefault("token", TOKEN)
        return Harness(await aiohttp_client(create_emulator_app("max", **options)))

    return make


@pytest.fixture
async def emu(make_max: AppFactory) -> Harness:
    """The live limits: 30 requests/s per token."""
    return await make_max()


@pytest.fixture
async def fast(make_max: AppFactory) -> Harness:
    """No rate limit, for tests that make many calls."""
    return await make_max(rps_limit=None)


@pytest.fixture
async def adapter(fast: Harness) -> AsyncIterator[MaxAdapter]:
    """The real adapter pointed at the emulator, with quick retries."""
    retry = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, rate_limited_delay=0.01)
    bot = MaxAdapter(TOKEN, limiter=Gcra(), api_url=fast.url, rate=1000, retry=retry)
    yield bot
    await bot.close()
