"""Fixtures: an emulator app, a plain aiohttp client, and small helpers around it.

Tests talk to the emulator as the adapter and a person would: VK wire calls on
`/method/...` (form-encoded strings) and JSON on `/emulator/...`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from adapters.emulator import HUB, Emulator, create_emulator_app

TOKEN = "test-token"
V = "5.199"


class Harness:
    """The client plus helpers: `api` for VK calls, `ctl` for the control API."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client

    @property
    def hub(self) -> Emulator:
        app = self.client.app
        assert app is not None
        return app[HUB]

    async def api(self, method: str, token: str | None = TOKEN, **params: Any) -> dict[str, Any]:
        form = {k: _wire(v) for k, v in params.items()}
        form.setdefault("v", V)
        if token is not None:
            form["access_token"] = token
        response = await self.client.post(f"/method/{method}", data=form)
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body

    async def ok(self, method: str, **params: Any) -> Any:
        body = await self.api(method, **params)
        assert "error" not in body, body
        return body["response"]

    async def ctl(self, verb: str, path: str, body: Any = None, status: int = 0) -> Any:
        response = await self.client.request(verb, f"/emulator/{path}", json=body)
        if status:
            assert response.status == status, await response.text()
        else:
            assert response.status < 300, await response.text()
        return await response.json()

    async def user(self, name: str = "Анна Иванова") -> str:
        return str((await self.ctl("POST", "users", {"name": name}))["user_id"])

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

    async def longpoll(self) -> tuple[str, str, str]:
        server = await self.ok("groups.getLongPollServer", group_id=1)
        return server["server"], server["key"], server["ts"]

    async def poll(self, server: str, key: str, ts: str, wait: float = 0) -> dict[str, Any]:
        path = server.split("://", 1)[1].split("/", 1)[1]
        query = {"act": "a_check", "key": key, "ts": ts, "wait": str(wait)}
        response = await self.client.get(f"/{path}", params=query)
        body: dict[str, Any] = await response.json()
        return body


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return ",".join(_wire(v) for v in value)
    return str(value)


AppFactory = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def make_emu(aiohttp_client: Any) -> AppFactory:
    """Build an emulator with options (e.g. `rps_limit=None`) and a client for it."""

    async def make(**options: Any) -> Harness:
        options.setdefault("token", TOKEN)
        return Harness(await aiohttp_client(create_emulator_app("vk", **options)))

    return make


@pytest.fixture
async def emu(make_emu: AppFactory) -> Harness:
    """The default emulator: VK, group 1, the live 20 requests/s limit."""
    return await make_emu()


@pytest.fixture
async def fast(make_emu: AppFactory) -> Harness:
    """An emulator without the rate limit, for tests that make many calls."""
    return await make_emu(rps_limit=None)
