"""The dashboard as an aiohttp application, and `run_web` for `etiket web`.

`create_web_app` takes what the bot already has (settings, database, a metrics
registry it feeds) so `etiket run` can mount the same app next to its webhooks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path

from aiohttp import web
from argon2 import PasswordHasher

from bot.config import Settings
from bot.moderation.rule_loader import load_ruleset
from bot.moderation.rules import RuleSet
from bot.web.keys import CLOCK, DB, HASHER, METRICS, OPTIONS, RULES, SETTINGS, WebOptions
from bot.web.metrics import MetricsRegistry
from bot.web.render import setup_templates
from bot.web.security import add_security_headers, auth_middleware
from bot.web.views import admin, announce, auth, export, health, log, stats
from storage import Database
from storage.models import utcnow

__all__ = ["create_web_app", "run_web"]

log_ = logging.getLogger("etiket.web")


def _routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/", log.log_page, name="log")
    r.add_get("/log.csv", export.export_csv)
    r.add_get("/case/{chat}/{case}", log.case_page)
    r.add_get("/stats", stats.stats_page)
    r.add_get("/announcements", admin.announcements_page)
    r.add_get("/announcements/new", announce.new_announcement)
    r.add_post("/announcements/new", announce.create_announcement)
    r.add_get("/announcements/{id}", admin.announcement_page)
    r.add_post("/announcements/{id}/cancel", announce.cancel_announcement)
    r.add_get("/roster", admin.roster_page)
    r.add_get("/login", auth.login_form)
    r.add_post("/login", auth.login_submit)
    r.add_post("/logout", auth.logout)
    r.add_post("/lang", auth.switch_language)
    r.add_get("/healthz", health.healthz)
    r.add_get("/metrics", health.metrics)
    static = Path(str(resources.files("bot.web").joinpath("static")))
    r.add_static("/static/", static, append_version=False)


def create_web_app(
    settings: Settings,
    db: Database,
    *,
    metrics: MetricsRegistry | None = None,
    options: WebOptions | None = None,
    clock: Callable[[], datetime] = utcnow,
    hasher: PasswordHasher | None = None,
    rules: RuleSet | None = None,
) -> web.Application:
    """The dashboard on `db`; `clock` and `hasher` are seams for tests."""
    app = web.Application(middlewares=[auth_middleware], client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app[DB] = db
    app[METRICS] = metrics or MetricsRegistry()
    app[OPTIONS] = options or WebOptions()
    app[CLOCK] = clock
    app[HASHER] = hasher or PasswordHasher()
    app[RULES] = rules or load_ruleset(settings.rules_file)
    app.on_response_prepare.append(add_security_headers)
    setup_templates(app)
    _routes(app)
    return app


async def run_web(settings: Settings, options: WebOptions | None = None) -> None:
    """Serve the dashboard alone on `settings.web` until cancelled."""
    db = Database(settings.database_url, pool=settings.database_pool)
    runner = web.AppRunner(create_web_app(settings, db, options=options))
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.web.host, settings.web.port)
        await site.start()
        log_.info("dashboard on http://%s:%s/", settings.web.host, settings.web.port)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await db.close()
