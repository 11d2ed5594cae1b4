"""What `etiket run` holds besides moderation: announcements, metrics, the dashboard.

`attach_extras(app)` is called once by `build_app`; it adds start-up and shutdown
hooks to the app's runner (shutdown hooks run in reverse, so these stop before the
moderation services and the database) and puts the announcement scheduler into the
dispatcher's `workflow_data` as `announcements` for the `/объявление` handler.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.app.health import health_report
from bot.app.metrics import BotMetrics, MetricsMiddleware
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Texts
from bot.services.announcement_timer import AnnouncementScheduler
from bot.services.announcements import AnnouncementService
from storage import Database

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["Extras", "WebServer", "attach_extras"]

log = logging.getLogger("etiket.app")

HealthReport = Callable[[], Awaitable[dict[str, Any]]]


class WebServer:
    """The dashboard on `settings.web.host:port` for the runner's lifetime."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        metrics: BotMetrics,
        clock: Clock,
        health: HealthReport | None = None,
    ) -> None:
        self.health = health
        self.settings = settings
        self.db = db
        self.metrics = metrics
        self.clock = clock
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.settings.web.host}:{self.settings.web.port}"

    async def start(self) -> None:
        from bot.web import WebOptions, create_web_app  # templates load only when served

        section = self.settings.web
        options = WebOptions(
            metrics_token=self.settings.secret(section.metrics_token),
            secure_cookies=section.secure_cookies,
            health=self.health,
        )
        app = create_web_app(
            self.settings, self.db, metrics=self.metrics, options=options, clock=self.clock.now
        )
        runner = web.AppRunner(app, shutdown_timeout=2.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, section.host, section.port).start()
        except OSError as exc:  # moderation goes on without the dashboard
            await runner.cleanup()
            log.error("cannot serve the dashboard on %s: %s", self.url, exc.strerror or exc)
            return
        self._runner = runner
        log.info("dashboard on %s/", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@dataclass
class Extras:
    announcements: AnnouncementScheduler
    metrics: BotMetrics
    web: WebServer | None


def attach_extras(app: App) -> Extras:
    m = app.services.m
    settings, dp, runner = app.settings, app.dispatcher, app.runner
    texts: Texts = dp["texts"]
    service = AnnouncementService(
        app.db, platform=settings.platform, kick=m.actions.kick, texts=texts, clock_now=m.clock.now
    )
    announcements = AnnouncementScheduler(service, m.timers, m.clock)
    dp["announcements"] = announcements
    if app.role == "single":  # a worker starts them when it becomes the scheduler leader
        runner.on_startup.append(announcements.start)  # after the timers and actions started
    runner.on_shutdown.append(announcements.stop)

    metrics = BotMetrics()
    metrics.watch(
        platform=settings.platform,
        adapter=app.adapter,
        dispatcher=dp,
        intake=app.intake,
        actions=m.actions,
        timers=m.timers,
    )
    dp.outer_middleware(MetricsMiddleware(metrics))
    server = None
    if settings.web.enabled:
        server = WebServer(settings, app.db, metrics, m.clock, health_report(app))
        runner.on_startup.append(server.start)
        runner.on_shutdown.append(server.stop)
    return Extras(announcements, metrics, server)
