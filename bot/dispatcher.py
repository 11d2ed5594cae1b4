"""The Dispatcher: the root router, plus what every event needs around routing.

It owns the shared dependencies (`workflow_data`), turns a handler's exception into
an error event routed through `router.error` handlers, and logs what nobody handled
with the event's id, so one failing handler never stops the loop. Polling, webhooks
and signals live in `bot.runner`, not here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.base import Event
from bot.filters.base import Filter, FilterResult
from bot.handler import CallableObject
from bot.router import ERROR, UNHANDLED, Router
from bot.unavailable import is_unavailable

__all__ = ["Dispatcher", "ErrorEvent", "ExceptionType"]

log = logging.getLogger("etiket.dispatcher")


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """What error handlers receive: the exception and the event that caused it."""

    exception: BaseException
    event: Event

    @property
    def text(self) -> str:
        return ""


class ExceptionType(Filter):
    """Passes error events whose exception is one of the given types."""

    def __init__(self, *types: type[BaseException]) -> None:
        self.types = types

    def __call__(self, event: Any, data: dict[str, Any]) -> FilterResult:
        return isinstance(event, ErrorEvent) and isinstance(event.exception, self.types)


class Dispatcher(Router):
    """Feeds normalized events through the router tree.

    Keyword arguments become `workflow_data`: dependencies any handler, filter or
    middleware can ask for by parameter name (`adapter`, `db`, `moderators`, ...).
    """

    def __init__(self, *, name: str | None = "dispatcher", **workflow_data: Any) -> None:
        super().__init__(name=name)
        self.workflow_data: dict[str, Any] = {"dispatcher": self, **workflow_data}
        self.errors_logged = 0

    def __setitem__(self, key: str, value: Any) -> None:
        self.workflow_data[key] = value

    def __getitem__(self, key: str) -> Any:
        return self.workflow_data[key]

    async def feed_event(self, event: Event, **data: Any) -> Any:
        """Route one event; raises only on cancellation or when a backing service is down.

        A handler's failure is an error event (logged, the event skipped). A failure
        because PostgreSQL or Redis cannot be reached is raised instead, so the
        caller keeps the event (unacknowledged) and offers it again later.
        """
        merged = {**self.workflow_data, **data} if data else self.workflow_data.copy()
        try:
            return await self.propagate(event.kind, event, merged)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if is_unavailable(exc):
                raise
            return await self._on_error(exc, event, merged)

    async def _on_error(self, exc: Exception, event: Event, data: dict[str, Any]) -> Any:
        try:
            result = await self.propagate(ERROR, ErrorEvent(exc, event), data)
        except Exception:
            log.exception("error handler failed for event %s", event.key)
            self.errors_logged += 1
            return UNHANDLED
        if result is UNHANDLED:
            self.errors_logged += 1
            log.error(
                "handler failed for event %s (%s in chat %s): %r",
                event.key,
                event.kind,
                event.chat_id,
                exc,
                exc_info=exc,
            )
        return result

    async def emit_startup(self, **data: Any) -> None:
        """Run startup hooks of the whole tree, parents first."""
        await self._emit(lambda r: r.startup, data)

    async def emit_shutdown(self, **data: Any) -> None:
        """Run shutdown hooks of the whole tree; one failing hook does not stop the rest."""
        await self._emit(lambda r: r.shutdown, data, tolerant=True)

    async def _emit(
        self,
        pick: Callable[[Router], list[Callable[..., Any]]],
        data: dict[str, Any],
        *,
        tolerant: bool = False,
    ) -> None:
        merged = {**self.workflow_data, **data}
        stack: list[Router] = [self]
        while stack:
            router = stack.pop(0)
            for hook in pick(router):
                obj = CallableObject(hook, takes_event=False)
                kwargs = obj.kwargs(merged)
                try:
                    result = hook(**kwargs)
                    if obj.is_async:
                        await result
                except Exception:
                    if not tolerant:
                        raise
                    log.exception("shutdown hook %r failed", hook)
            stack.extend(router.sub_routers)
