"""The running bot's figures for the dashboard's `/metrics` (issue [9/11]).

Two kinds of feed: a dispatcher middleware counts each event by platform and kind
and times its handling (a histogram) as it happens; counters the bot keeps anyway
(the intake's, the action runner's, the outbound queue's) are read when `/metrics`
is scraped, so nothing on the hot path pays for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from adapters.base import Event, MessengerAdapter
from bot.actions import ActionRunner
from bot.dispatcher import Dispatcher
from bot.intake import Intake
from bot.middlewares import BaseMiddleware, Handler
from bot.scale import Leadership, StreamWorker
from bot.timers import Timers
from bot.web.metrics import MetricsRegistry

__all__ = ["BotMetrics", "MetricsMiddleware"]

HELP = {
    "etiket_events_total": "Events handled, by platform and kind (redeliveries excluded)",
    "etiket_handler_seconds": "Time to handle one event, by platform and kind",
    "etiket_intake_received_total": "Events received from the platform, redeliveries included",
    "etiket_intake_duplicates_total": "Redeliveries dropped by the intake",
    "etiket_actions_total": "Platform actions carried out from the outbox, by outcome",
    "etiket_api_requests_total": "HTTP requests made to the platform API",
    "etiket_api_errors_total": "Error answers from the platform API, retried ones included",
    "etiket_handler_errors_total": "Handler exceptions that reached the dispatcher",
    "etiket_queue_depth": "Platform calls waiting in the outbound queue",
    "etiket_timers_pending": "Timers armed (block ends, announcements)",
    "etiket_worker_events_total": "Stream entries this worker handled and acknowledged",
    "etiket_worker_partitions": "Stream partitions this worker holds",
    "etiket_worker_paused": "1 while this worker's intake waits for Redis",
    "etiket_scheduler_leader": "1 while this process runs the timers (holds the lease)",
}


class BotMetrics(MetricsRegistry):
    """A registry that also reads the bot's own counters each time it is rendered."""

    def __init__(self) -> None:
        super().__init__()
        for name, text in HELP.items():
            self.describe(name, text)
        self._collectors: list[Callable[[], None]] = []
        self._last: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    def total(self, name: str, value: float, **labels: str) -> None:
        """Bring a counter up to a running total the bot keeps (counters only grow)."""
        key = (name, tuple(sorted(labels.items())))
        delta = value - self._last.get(key, 0.0)
        self._last[key] = value
        self.inc(name, max(delta, 0.0), **labels)

    def watch(
        self,
        *,
        platform: str,
        adapter: MessengerAdapter,
        dispatcher: Dispatcher,
        intake: Intake,
        actions: ActionRunner,
        timers: Timers,
    ) -> None:
        def collect() -> None:
            self.total("etiket_intake_received_total", intake.received, platform=platform)
            self.total("etiket_intake_duplicates_total", intake.duplicates, platform=platform)
            self.total("etiket_actions_total", actions.done, platform=platform, outcome="done")
            self.total("etiket_actions_total", actions.failed, platform=platform, outcome="failed")
            self.total("etiket_handler_errors_total", dispatcher.errors_logged, platform=platform)
            queue: Any = getattr(adapter, "queue", None)
            if queue is not None:
                self.set("etiket_queue_depth", float(queue.depth), platform=platform)
                sent = getattr(queue, "sent_requests", None)
                if sent is not None:
                    self.total("etiket_api_requests_total", sent, platform=platform)
                errors: Mapping[str, int] = getattr(queue, "api_errors", {})
                for error, count in list(errors.items()):
                    self.total("etiket_api_errors_total", count, platform=platform, error=error)
            self.set("etiket_timers_pending", float(len(timers.pending())))

        self._collectors.append(collect)

    def watch_worker(self, worker: StreamWorker, leadership: Leadership | None) -> None:
        """Worker mode: what this process holds of the streams and the scheduler."""

        def collect() -> None:
            self.total("etiket_worker_events_total", worker.processed)
            self.set("etiket_worker_partitions", float(len(worker.owned)))
            self.set("etiket_worker_paused", float(worker.paused))
            leader = leadership is not None and leadership.is_leader
            self.set("etiket_scheduler_leader", float(leader))

        self._collectors.append(collect)

    def render(self) -> str:
        for collect in self._collectors:
            collect()
        return super().render()


class MetricsMiddleware(BaseMiddleware):
    """Counts and times every event the dispatcher routes (an outer middleware)."""

    def __init__(self, registry: MetricsRegistry) -> None:
        self.registry = registry

    async def __call__(self, handler: Handler, event: Any, data: dict[str, Any]) -> Any:
        if not isinstance(event, Event):
            return await handler(event, data)
        platform, kind = event.platform, str(event.kind)
        self.registry.inc("etiket_events_total", platform=platform, kind=kind)
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            seconds = time.perf_counter() - started
            self.registry.observe("etiket_handler_seconds", seconds, platform=platform, kind=kind)
