"""What the dashboard keeps on the aiohttp application, typed with `web.AppKey`.

Handlers reach the database, the clock and the options through these keys, never
through globals, so a test builds an app with its own clock and database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from argon2 import PasswordHasher

from bot.config import Settings
from bot.moderation.rules import RuleSet
from bot.web.metrics import MetricsRegistry
from storage import Database

__all__ = ["CLOCK", "DB", "HASHER", "METRICS", "OPTIONS", "RULES", "SETTINGS", "WebOptions"]


@dataclass(frozen=True)
class WebOptions:
    """Dashboard knobs that are not (yet) in `Settings`.

    `metrics_token`: when set, `/metrics` wants `Authorization: Bearer <token>`;
    when not, `/metrics` answers only clients on the loopback interface.
    `secure_cookies`: force the cookies' `Secure` flag (behind a TLS-terminating
    proxy, where the app itself sees plain http); over https it is set anyway.
    """

    metrics_token: str | None = None
    secure_cookies: bool = False
    session_hours: int = 12
    health: Callable[[], Awaitable[dict[str, Any]]] | None = None
    """The running bot's own report for `/healthz` (Redis, worker, scheduler); a
    report with `"degraded": true` makes the status `degraded`."""


DB = web.AppKey("db", Database)
SETTINGS = web.AppKey("settings", Settings)
CLOCK: web.AppKey[Callable[[], datetime]] = web.AppKey("clock")
HASHER = web.AppKey("hasher", PasswordHasher)
METRICS = web.AppKey("metrics", MetricsRegistry)
RULES = web.AppKey("rules", RuleSet)
OPTIONS = web.AppKey("options", WebOptions)
