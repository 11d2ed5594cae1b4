"""Middlewares: `async (handler, event, data)` callables folded into an onion.

Outer ones (registered with `outer_middleware`) see every event that reaches a
router, before filters; inner ones (`middleware`) wrap only the matched handler
and can read its flags from `data["handler"].flags`.
"""

from __future__ import annotations

import contextvars
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any

from adapters.base import Event

__all__ = [
    "CURRENT_EVENT",
    "BaseMiddleware",
    "EventContextFilter",
    "EventContextMiddleware",
    "TimingMiddleware",
]

Handler = Callable[[Any, dict[str, Any]], Awaitable[Any]]

CURRENT_EVENT: contextvars.ContextVar[str] = contextvars.ContextVar("etiket_event", default="-")


class BaseMiddleware(ABC):
    """A class-based middleware; call `handler(event, data)` to go on, or don't to stop."""

    @abstractmethod
    async def __call__(self, handler: Handler, event: Any, data: dict[str, Any]) -> Any: ...


class EventContextMiddleware(BaseMiddleware):
    """Tags every log line written while handling an event with that event's key."""

    async def __call__(self, handler: Handler, event: Any, data: dict[str, Any]) -> Any:
        token = CURRENT_EVENT.set(event.key if isinstance(event, Event) else "-")
        try:
            return await handler(event, data)
        finally:
            CURRENT_EVENT.reset(token)


class EventContextFilter(logging.Filter):
    """Adds `%(event)s` to log records (install on a handler of the root logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.event = CURRENT_EVENT.get()
        return True


class TimingMiddleware(BaseMiddleware):
    """Measures handling time per event kind; read by `/metrics`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.count: dict[str, int] = {}

    async def __call__(self, handler: Handler, event: Any, data: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            kind = str(getattr(event, "kind", "error"))
            self.seconds[kind] = self.seconds.get(kind, 0.0) + time.perf_counter() - started
            self.count[kind] = self.count.get(kind, 0) + 1
