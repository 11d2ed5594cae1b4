"""The etiket application: settings in, a running bot out.

Builds storage, ephemeral state, the platform (through `adapters.registry`, so no
messenger module is imported here), the dispatcher with etiket's routers, and the
runner. `build_app` is separate from `run_bot` so tests can drive the same wiring.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from datetime import time

from adapters.base import MessengerAdapter
from adapters.registry import build_platform
from bot.actions import ActionRunner
from bot.app.extras import Extras, attach_extras
from bot.app.roles import Role, WorkerParts, check_role, worker_parts
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.handlers import build_router
from bot.handlers.moderation import ChatsOnSight, StopMuted
from bot.i18n import Texts
from bot.intake import Intake
from bot.middlewares import EventContextMiddleware
from bot.runner import Runner
from bot.scale import Leadership
from bot.services import (
    Formats,
    Moderation,
    ModerationServices,
    Moderators,
    Regulation,
    Restrictions,
    build_services,
)
from bot.timers import Timers
from storage import Database
from storage.migrate import upgrade
from storage.repos import DatabaseCursors
from storage.state import EphemeralState, make_state

__all__ = ["App", "build_app", "run_bot"]

log = logging.getLogger("etiket.app")


@dataclass
class App:
    """Everything a running bot holds; closed in reverse order of creation."""

    settings: Settings
    db: Database
    state: EphemeralState
    adapter: MessengerAdapter
    dispatcher: Dispatcher
    intake: Intake
    runner: Runner
    services: ModerationServices
    extras: Extras | None = None
    """Announcements, metrics and the dashboard (`bot.app.extras`)."""
    role: Role = "single"
    scale: WorkerParts | None = None
    """Worker mode: the stream consumer, its Redis client and the shared clock."""
    leadership: Leadership | None = None
    """Worker mode: the campaign for the scheduler lease."""

    async def close(self) -> None:
        await self.adapter.close()
        await self.state.close()
        if self.scale is not None:
            await self.scale.client.aclose()
        await self.db.close()


async def build_app(
    settings: Settings, *, clock: Clock | None = None, role: Role = "single"
) -> App:
    """Connect storage and the platform and assemble the dispatcher; nothing runs yet.

    `clock` is the system clock unless a test passes a `FakeClock`; then no scheduler
    runs and the test drives the timers with `app.services.m.timers.run_due()`.
    `role="worker"` consumes the Redis streams instead of the platform's updates and
    runs the timers only while it holds the scheduler lease (`bot.app.roles`).
    """
    check_role(settings, role)
    if settings.auto_migrate:
        await upgrade(settings.database_url)
    db = Database(settings.database_url, pool=settings.database_pool)
    state = make_state(settings.redis_url, fallback=role == "single")
    scale = worker_parts(settings) if role == "worker" else None
    if scale is not None and clock is None and scale.clock is not None:
        clock = scale.clock
    section = settings.vk if settings.platform == "vk" else settings.max
    token = settings.secret(section.token)
    if not token:
        await state.close()
        await db.close()
        raise ValueError(
            f"no {settings.platform} token: set ETIKET_{settings.platform.upper()}__TOKEN, "
            f"[{settings.platform}] token in the configuration, or --token"
        )
    options = section.model_dump(exclude={"token", "api_url", "rate"})
    platform = build_platform(
        settings.platform,
        token=token,
        api_url=section.api_url,
        rate=section.rate,
        limiter=state,
        cursors=DatabaseCursors(db),
        options=options,
    )
    texts = Texts(settings.language)
    services = _moderation(settings, db, state, platform.adapter, texts, clock, role)
    dp = Dispatcher(
        adapter=platform.adapter,
        db=db,
        state=state,
        texts=texts,
        settings=settings,
        services=services,
        moderators=services.m.moderators,
        clock=services.m.clock,
    )
    dp.outer_middleware(EventContextMiddleware())
    dp.outer_middleware(ChatsOnSight(services))
    dp.message.outer_middleware(StopMuted(services))
    dp.include_router(build_router())
    intake = Intake(dp, state, dedup_ttl=settings.dedup_ttl)
    source = platform.source if scale is None else scale.worker
    runner = Runner(intake, [source], on_startup=[services.start])
    app = App(settings, db, state, platform.adapter, dp, intake, runner, services, role=role)
    app.scale = scale
    runner.on_shutdown.append(app.close)
    runner.on_shutdown.append(services.stop)  # run in reverse: before the database closes
    if scale is not None:
        if scale.clock is not None:
            runner.on_startup.insert(0, scale.clock.start)
            runner.on_shutdown.append(scale.clock.stop)
        services.schedule_at_start = False
    app.extras = attach_extras(app)  # its shutdown hooks run before the two above
    if scale is not None:
        app.leadership = _campaign(app, scale)
        if app.extras is not None:
            app.extras.metrics.watch_worker(scale.worker, app.leadership)
    return app


def _campaign(app: App, scale: WorkerParts) -> Leadership:
    """Worker mode: the scheduler runs here only while this process holds the lease."""
    services, timers = app.services, app.services.m.timers
    timers.active = False
    announcements = app.extras.announcements if app.extras is not None else None

    async def gain() -> None:
        timers.active = True
        timers.start()
        await services.rearm()
        if announcements is not None:
            await announcements.start()

    async def lose() -> None:
        timers.active = False

    async def tick() -> None:
        await services.rearm()  # timers armed by other workers' decisions
        await timers.run_due()

    leadership = scale.leadership(app.settings, on_gain=gain, on_lose=lose, on_tick=tick)

    async def start() -> None:
        leadership.start()

    app.runner.on_startup.append(start)
    app.runner.on_shutdown.append(leadership.stop)  # runs first: steps down before closing
    return leadership


def _moderation(
    settings: Settings,
    db: Database,
    state: EphemeralState,
    adapter: MessengerAdapter,
    texts: Texts,
    clock: Clock | None,
    role: Role = "single",
) -> ModerationServices:
    """The regulation's services; a given (fake) clock means timers run only when told."""
    timers = Timers(clock) if clock is not None else Timers.with_scheduler(SystemClock())
    clock = clock or SystemClock()
    lease = settings.scale.action_lease if role == "worker" else 300.0
    actions = ActionRunner(db, adapter, lease=lease, sole=role == "single")
    m = Moderation(
        db=db,
        adapter=adapter,
        state=state,
        clock=clock,
        formats=Formats(texts, settings.timezone),
        regulation=Regulation(settings.rules_file, settings.policy, settings.chat_rules_dir),
        moderators=Moderators(adapter, db),
        restrictions=Restrictions(state),
        timers=timers,
        actions=actions,
    )
    services = build_services(m, time.fromisoformat(settings.digest_time))
    actions.on_failure = services.notices.action_failed
    return services


GC_YOUNG = 10_000
"""Allocations between young-generation collections (CPython: 700).

Every tenth young collection is a middle one and every tenth of those may be a full
one, which walks everything the run has kept (the chats it knows): 10 to 70 ms with
the event loop stopped. Collecting the young less often makes those rarer; each
young collection still looks at only what is new.
"""


def freeze_startup() -> None:
    """Take what imports and startup made out of the cyclic garbage collector's view.

    Modules, classes and the app's wiring live as long as the process, yet every
    full collection walked them all: 85 to 175 ms with the event loop stopped, every
    ten to twenty seconds under load (bench/load.py's p99). `gc.freeze` moves them to
    the permanent generation; what the run allocates afterwards is collected as ever,
    its young generation every `GC_YOUNG` allocations.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


async def run_bot(settings: Settings, role: Role = "single") -> None:
    """Run until a signal; the CLI's `etiket run [--role ...]`."""
    if role == "receiver":
        from bot.app.roles import build_receiver

        receiver = await build_receiver(settings)
        log.info("receiving %s updates into the Redis streams", settings.platform)
        freeze_startup()
        await receiver.runner.run()
        return
    app = await build_app(settings, role=role)
    freeze_startup()
    log.info(
        "starting on %s with %s%s",
        settings.platform,
        settings.database_url.split("://")[0],
        f" as worker {app.scale.worker.name}" if app.scale is not None else "",
    )
    await app.runner.run()
