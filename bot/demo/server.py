"""One process: the emulator, the bot through the real adapter, and the dashboard.

`Demo.start()` serves the emulator (its control API and web UI) on `port`, seeds the
school, starts the bot with the dashboard on `port + 1`, and creates two dashboard
accounts; `Demo.stop()` undoes it all in reverse. `etiket demo` and the tests share it.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from adapters.emulator import create_emulator_app
from adapters.emulator.hub import HUB
from bot.app import App, build_app
from bot.cli.users import Links, add_user
from bot.clock import Clock
from bot.config import load_settings
from bot.demo.seed import CURATOR, ZONE, DemoSchool, seed_roster, seed_world

__all__ = ["POLICY", "Demo"]

POLICY: dict[str, Any] = {"consent": {"auto_open": True, "auto_unblock": True}}
"""An apology opens the chat's objection window at once; no objection unblocks."""


@dataclass
class Demo:
    platform: str = "vk"
    port: int = 8081
    directory: Path | None = None
    clock: Clock | None = None
    host: str = "127.0.0.1"
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    logins: dict[str, str] = field(default_factory=dict)
    app: App | None = None
    school: DemoSchool | None = None
    _site: web.AppRunner | None = None
    _task: asyncio.Task[None] | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def emulator_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def dashboard_url(self) -> str:
        return f"http://{self.host}:{self.port + 1}"

    def _settings(self, db_path: Path) -> Any:
        api = self.emulator_url + ("/method/" if self.platform == "vk" else "")
        section: dict[str, Any] = {"api_url": api, "token": self.token}
        section["wait" if self.platform == "vk" else "timeout"] = 2
        return load_settings(
            None,
            platform=self.platform,
            database_url=f"sqlite:///{db_path}",
            timezone=ZONE,
            policy=POLICY,
            web={"enabled": True, "host": self.host, "port": self.port + 1},
            **{self.platform: section},
        )

    async def start(self, *, handle_signals: bool = False) -> None:
        if self.directory is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="etiket-demo-")
            self.directory = Path(self._tmp.name)
        self.directory.mkdir(parents=True, exist_ok=True)
        db_path = self.directory / "etiket-demo.sqlite3"
        db_path.unlink(missing_ok=True)  # every demo starts from the same school
        emulator = create_emulator_app(self.platform, self.token, group_name="Школа №1")
        self._site = web.AppRunner(emulator, access_log=None, shutdown_timeout=1.0)
        await self._site.setup()
        await web.TCPSite(self._site, self.host, self.port).start()
        self.school = seed_world(emulator[HUB])
        settings = self._settings(db_path)
        self.app = await build_app(settings, clock=self.clock)
        await seed_roster(self.app, self.school)
        await self._accounts(settings.database_url)
        self._task = asyncio.create_task(self.app.runner.run(handle_signals=handle_signals))
        await asyncio.wait_for(self.app.runner.started.wait(), 20)

    async def _accounts(self, url: str) -> None:
        for username, role, classes in [
            ("admin", "administrator", ()),
            ("curator", "curator", tuple(CURATOR)),
        ]:
            password = secrets.token_urlsafe(9)
            links = Links(name=None, school=None, person=None, chats=(), classes=classes)
            error = await add_user(url, username, password, role, links)
            if error is None:
                self.logins[username] = password

    async def wait(self) -> None:
        """Until the runner stops (Ctrl-C or SIGTERM when started with handle_signals)."""
        if self._task is not None:
            await self._task

    async def stop(self) -> None:
        if self.app is not None and self._task is not None:
            self.app.runner.stop()
            await asyncio.wait_for(self._task, 30)
        self._task = None
        if self._site is not None:
            await self._site.cleanup()
            self._site = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def banner(self) -> str:
        lines = [
            f"etiket demo ({self.platform}) — всё запущено / everything is up",
            f"  Эмулятор / emulator UI:  {self.emulator_url}/",
            f"  Control API:             {self.emulator_url}/emulator/",
            f"  Панель / dashboard:      {self.dashboard_url}/",
            f"  Данные / data:           {self.directory}",
            "  Входы / logins:",
            *(f"    {user} / {password}" for user, password in self.logins.items()),
            "  Ctrl-C — остановить / stop",
        ]
        return "\n".join(lines)
