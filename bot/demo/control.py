"""A small client of the emulator's control API, as the demo's people use it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp

__all__ = ["Control", "DemoStepFailed", "button_payload", "eventually"]

T = TypeVar("T")


class DemoStepFailed(AssertionError):
    """An expected outcome did not happen in time."""


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, within: float = 10.0, what: str = ""
) -> T:
    deadline = time.monotonic() + within
    while True:
        result = await probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise DemoStepFailed(f"not within {within:g}s: {what}")
        await asyncio.sleep(0.05)


def button_payload(message: dict[str, Any], label: str | None = None) -> Any:
    """The payload of the button labelled `label` (or the first one)."""
    buttons = [b for row in (message.get("keyboard") or {}).get("buttons", []) for b in row]
    for b in buttons:
        if label is None or b.get("label") == label:
            payload = b.get("payload")
            return json.loads(payload) if isinstance(payload, str) else payload
    raise DemoStepFailed(f"no button {label!r} in the message {message.get('text', '')[:60]!r}")


class Control:
    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self.base = base_url.rstrip("/") + "/emulator"
        self.session = session

    async def req(self, method: str, path: str, body: Any = None) -> Any:
        async with self.session.request(method, self.base + path, json=body) as resp:
            data = await resp.json(content_type=None)
            if resp.status >= 400:
                raise DemoStepFailed(f"{method} {path} -> {resp.status}: {data}")
            return data

    async def say(self, chat: str, user: str, text: str) -> str:
        body = {"from_id": user, "text": text}
        return str((await self.req("POST", f"/chats/{chat}/messages", body))["message_id"])

    async def write_bot(self, user: str, text: str) -> None:
        await self.req("POST", f"/users/{user}/messages", {"text": text})

    async def press(self, user: str, chat: str, message_id: str, payload: Any) -> None:
        body = {"user_id": user, "chat_id": chat, "message_id": message_id, "payload": payload}
        await self.req("POST", "/press", body)

    async def chat(self, chat: str) -> dict[str, Any]:
        return dict(await self.req("GET", f"/chats/{chat}"))

    async def private(self, user: str) -> dict[str, Any]:
        return dict(await self.req("GET", f"/users/{user}/messages"))

    async def members(self, chat: str) -> set[str]:
        return {m["user_id"] for m in (await self.chat(chat))["members"]}

    async def calls(self) -> list[dict[str, Any]]:
        return list((await self.req("GET", "/calls"))["calls"])

    async def bot_says(
        self, chat: str, *fragments: str, after: int = 0, within: float = 10
    ) -> dict[str, Any]:
        """The bot's latest chat message (index >= `after`) with every fragment."""

        async def found() -> dict[str, Any] | None:
            for m in reversed((await self.chat(chat))["messages"][after:]):
                if m["from_bot"] and all(f in m["text"] for f in fragments):
                    return dict(m)
            return None

        return await eventually(found, within=within, what=f"the bot says {fragments}")

    async def inbox_has(self, user: str, *fragments: str, within: float = 10) -> dict[str, Any]:
        async def found() -> dict[str, Any] | None:
            for m in reversed((await self.private(user))["messages"]):
                if all(f in m["text"] for f in fragments):
                    return dict(m)
            return None

        return await eventually(found, within=within, what=f"a private message {fragments}")

    async def bot_is_listening(self) -> None:
        async def polling() -> bool:
            return any(
                "getLongPollServer" in c["method"] or "updates" in c["method"]
                for c in await self.calls()
            )

        await eventually(polling, within=20, what="the bot polls the emulator")
