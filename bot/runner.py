"""The runner: starts event sources, feeds them into the intake, stops on a signal.

Kept apart from the Dispatcher (a lesson from aiogram): the dispatcher routes, the
runner owns the process's lifetime.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from adapters.base import Event, EventSource
from bot.dispatcher import Dispatcher

__all__ = ["Runner"]

log = logging.getLogger("etiket.runner")

Hook = Callable[[], Awaitable[None]]


class BatchSink(Protocol):
    """Where sources hand their batches: the intake, or a receiver's stream sink."""

    async def handle_batch(self, events: Sequence[Event]) -> None: ...


class Runner:
    """Runs until `stop()` or SIGINT/SIGTERM; a crashed source is restarted after a pause."""

    def __init__(
        self,
        intake: BatchSink,
        sources: Sequence[EventSource],
        *,
        on_startup: Sequence[Hook] = (),
        on_shutdown: Sequence[Hook] = (),
        restart_delay: float = 1.0,
    ) -> None:
        self.intake = intake
        self.sources = list(sources)
        self.on_startup = list(on_startup)
        self.on_shutdown = list(on_shutdown)
        self.restart_delay = restart_delay
        self._stopping = asyncio.Event()
        self.started = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self, *, handle_signals: bool = True) -> None:
        loop = asyncio.get_running_loop()
        if handle_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(sig, self.stop)
        dp: Dispatcher | None = getattr(self.intake, "dispatcher", None)
        for hook in self.on_startup:
            await hook()
        if dp is not None:
            await dp.emit_startup()
        tasks = [asyncio.create_task(self._keep(s), name=f"source:{s!r}") for s in self.sources]
        self.started.set()
        log.info("etiket is running with %d event source(s)", len(tasks))
        try:
            await self._stopping.wait()
        finally:
            log.info("stopping")
            for source in self.sources:
                with contextlib.suppress(Exception):
                    await source.stop()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if dp is not None:
                await dp.emit_shutdown()
            for hook in reversed(self.on_shutdown):
                try:
                    await hook()
                except Exception:
                    log.exception("shutdown step failed")
            if handle_signals:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    with contextlib.suppress(NotImplementedError, RuntimeError):
                        loop.remove_signal_handler(sig)

    async def _keep(self, source: EventSource) -> None:
        while not self._stopping.is_set():
            try:
                await source.run(self.intake.handle_batch)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("event source %r failed; restarting", source)
                await asyncio.sleep(self.restart_delay)
