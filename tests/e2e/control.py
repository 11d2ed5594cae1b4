"""A small client for the emulator's control API: the way a person drives a chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp

T = TypeVar("T")


class Emulator:
    """Talks to `/emulator/...` over HTTP, exactly as the demo UI and scripts do."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self.base = base_url.rstrip("/")
        self.session = session

    async def _req(self, method: str, path: str, json: Any = None) -> Any:
        async with self.session.request(method, f"{self.base}/emulator{path}", json=json) as resp:
            body = await resp.json(content_type=None)
            if resp.status >= 400:
                raise AssertionError(f"{method} {path} -> {resp.status}: {body}")
            return body

    async def token(self) -> str:
        return str((await self._req("GET", "/token"))["token"])

    async def user(self, name: str) -> str:
        return str((await self._req("POST", "/users", {"name": name}))["user_id"])

    async def chat(
        self,
        title: str,
        members: list[str],
        admins: list[str] = (),
        bot_is_admin: bool = True,  # type: ignore[assignment]
    ) -> str:
        body = {
            "title": title,
            "member_ids": members,
            "admin_ids": list(admins),
            "bot_is_admin": bot_is_admin,
        }
        return str((await self._req("POST", "/chats", body))["chat_id"])

    async def say(self, chat_id: str, user_id: str, text: str, reply_to: str | None = None) -> str:
        body: dict[str, Any] = {"from_id": user_id, "text": text}
        if reply_to:
            body["reply_to"] = reply_to
        return str((await self._req("POST", f"/chats/{chat_id}/messages", body))["message_id"])

    async def join(self, chat_id: str, user_id: str, by: str | None = None) -> None:
        await self._req("POST", f"/chats/{chat_id}/members", {"user_id": user_id, "by": by})

    async def leave(self, chat_id: str, user_id: str) -> None:
        await self._req("DELETE", f"/chats/{chat_id}/members/{user_id}")

    async def press(
        self, user_id: str, chat_id: str, message_id: str, payload: dict[str, Any]
    ) -> Any:
        body = {
            "user_id": user_id,
            "chat_id": chat_id,
            "message_id": message_id,
            "payload": payload,
        }
        return await self._req("POST", "/press", body)

    async def write_bot(self, user_id: str, text: str) -> Any:
        return await self._req("POST", f"/users/{user_id}/messages", {"text": text})

    async def get_chat(self, chat_id: str) -> dict[str, Any]:
        return dict(await self._req("GET", f"/chats/{chat_id}"))

    async def private(self, user_id: str) -> dict[str, Any]:
        return dict(await self._req("GET", f"/users/{user_id}/messages"))

    async def calls(self) -> list[dict[str, Any]]:
        body = await self._req("GET", "/calls")
        return list(body["calls"] if isinstance(body, dict) else body)

    async def faults(self, spec: dict[str, Any]) -> Any:
        return await self._req("POST", "/faults", spec)

    async def clear_faults(self) -> Any:
        return await self._req("DELETE", "/faults")

    async def bot_messages(self, chat_id: str) -> list[dict[str, Any]]:
        """Messages in a chat that the bot wrote; the emulator marks them on every platform."""
        chat = await self.get_chat(chat_id)
        return [m for m in chat["messages"] if m["from_bot"]]


async def eventually(
    probe: Callable[[], Awaitable[T]], *, timeout: float = 10.0, interval: float = 0.05
) -> T:
    """Poll `probe` until it returns something truthy; fail with its last value."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")
