"""A chat of one school for the regulation's end-to-end tests (issue [4/11]).

`School` starts the bot in this process with a `FakeClock` (so a test "waits" days by
advancing it) and any policy, and can stop and start it again on the same database:
a restart. People act through the emulator's control API, as in a real chat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.app import App, build_app
from bot.clock import FakeClock
from storage.models import AuditRecord
from tests.e2e.conftest import EmulatorServer, bot_settings
from tests.e2e.control import eventually

__all__ = ["School"]


class School:
    """A teacher (owner and admin), a second admin, students, one chat, and the bot."""

    def __init__(self, emulator: EmulatorServer, platform: str, tmp_path: Path) -> None:
        self.server = emulator
        self.em = emulator.control
        self.platform = platform
        self.tmp_path = tmp_path
        self.clock = FakeClock()
        self.app: App | None = None
        self._task: asyncio.Task[None] | None = None
        self.chat = self.teacher = self.colleague = self.student = self.other = ""

    async def open(self, *, bot_is_admin: bool = True) -> School:
        em = self.em
        self.teacher = await em.user("Мария Ивановна")
        self.colleague = await em.user("Ольга Петровна")
        self.student = await em.user("Петя Сидоров")
        self.other = await em.user("Вася Пупкин")
        members = [self.teacher, self.colleague, self.student, self.other]
        self.chat = await em.chat(
            "5А", members, admins=[self.teacher, self.colleague], bot_is_admin=bot_is_admin
        )
        return self

    async def start(self, **settings: Any) -> App:
        """Start (or restart) the bot; `policy={...}` and other settings as in the TOML."""
        config = bot_settings(self.server, self.platform, self.tmp_path, **settings)
        app = await build_app(config, clock=self.clock)
        calls_before = len(await self.em.calls())
        self._task = asyncio.create_task(app.runner.run(handle_signals=False))
        await asyncio.wait_for(app.runner.started.wait(), 10)

        async def polling() -> bool:
            calls = (await self.em.calls())[calls_before:]
            return any(
                "getLongPollServer" in c["method"] or "updates" in c["method"] for c in calls
            )

        await eventually(polling, timeout=20)
        self.app = app
        return app

    async def stop(self) -> None:
        if self.app is not None and self._task is not None:
            self.app.runner.stop()
            await asyncio.wait_for(self._task, 30)
        self.app, self._task = None, None

    # -- what people see ------------------------------------------------------

    async def messages(self) -> list[dict[str, Any]]:
        return list((await self.em.get_chat(self.chat))["messages"])

    async def bot_says(self, *fragments: str, timeout: float = 10) -> dict[str, Any]:
        """The bot's latest chat message containing every fragment (waits for it)."""

        async def found() -> Any:
            for m in reversed(await self.messages()):
                if m["from_bot"] and all(f in m["text"] for f in fragments):
                    return m
            return None

        return await eventually(found, timeout=timeout)

    async def bot_texts(self) -> list[str]:
        return [m["text"] for m in await self.messages() if m["from_bot"]]

    async def inbox_has(self, user_id: str, *fragments: str) -> dict[str, Any]:
        async def found() -> Any:
            for m in reversed((await self.em.private(user_id))["messages"]):
                if all(f in m["text"] for f in fragments):
                    return m
            return None

        return await eventually(found)

    async def deleted(self, message_id: str) -> bool:
        return any(m["message_id"] == message_id and m["deleted"] for m in await self.messages())

    async def members(self) -> set[str]:
        return {m["user_id"] for m in (await self.em.get_chat(self.chat))["members"]}

    async def audit(self, action: str | None = None) -> list[AuditRecord]:
        assert self.app is not None
        async with self.app.db.transaction() as session:
            stmt = select(AuditRecord).order_by(AuditRecord.id)
            if action is not None:
                stmt = stmt.where(AuditRecord.action == action)
            return list((await session.execute(stmt)).scalars())

    async def until(self, probe: Callable[[], Any], timeout: float = 10) -> Any:
        async def check() -> Any:
            result = probe()
            return await result if asyncio.iscoroutine(result) else result

        return await eventually(check, timeout=timeout)


def payload_of(message: dict[str, Any]) -> dict[str, Any]:
    """The first button's payload of a message as the emulator shows it."""
    import json

    button = message["keyboard"]["buttons"][0][0]
    payload = button.get("payload", {})
    return dict(json.loads(payload) if isinstance(payload, str) else payload)


__all__ += ["payload_of"]
