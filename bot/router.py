"""Routers: a tree of observers, one per event kind, walked depth-first.

An event enters a router through that router's outer middlewares, is offered to
its handlers in order, then to its sub-routers; the first handler that takes it
ends the walk. Middleware chains are composed once, when the tree changes, not on
every event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from adapters.base import EventKind
from bot.filters.command import command_name
from bot.handler import Data, HandlerObject, Middleware
from bot.observer import EventObserver

__all__ = ["ERROR", "UNHANDLED", "Router", "SkipHandler"]

ERROR = "error"
KINDS: tuple[str, ...] = (*(k.value for k in EventKind), ERROR)

Step = Callable[[Any, Data], Awaitable[Any]]


class _Unhandled:
    def __repr__(self) -> str:
        return "UNHANDLED"

    def __bool__(self) -> bool:
        return False


UNHANDLED: Any = _Unhandled()


class SkipHandler(Exception):
    """Raised by a handler to pass the event on to the next candidate."""


def compose(middlewares: list[Middleware], last: Step) -> Step:
    """Fold middlewares around `last`, outermost first."""
    step = last
    for mw in reversed(middlewares):
        step = partial(mw, step)
    return step


class Router:
    """Holds handlers per event kind: `@router.message(...)`, `@router.button(...)`, ...

    Also `router.error(...)` for error handlers, `router.startup`/`router.shutdown`
    lists of hooks, and `outer_middleware`/`middleware` for every kind at once.
    """

    def __init__(self, *, name: str | None = None) -> None:
        self.name = name or f"router-{id(self):x}"
        self.parent: Router | None = None
        self.sub_routers: list[Router] = []
        self.observers: dict[str, EventObserver] = {
            k: EventObserver(k, self._changed) for k in KINDS
        }
        self.startup: list[Callable[..., Any]] = []
        self.shutdown: list[Callable[..., Any]] = []
        self._entries: dict[str, Step] = {}

    def __getattr__(self, name: str) -> EventObserver:
        observers = self.__dict__.get("observers")
        if observers is not None and name in observers:
            return observers[name]  # type: ignore[no-any-return]
        raise AttributeError(f"{type(self).__name__} has no attribute or event kind {name!r}")

    def __repr__(self) -> str:
        return f"<Router {self.name}>"

    # -- tree -------------------------------------------------------------------------

    def include_router(self, router: Router) -> Router:
        if router.parent is not None:
            raise RuntimeError(f"{router!r} is already included in {router.parent!r}")
        node: Router | None = self
        while node is not None:
            if node is router:
                raise RuntimeError(f"including {router!r} would make a cycle")
            node = node.parent
        router.parent = self
        self.sub_routers.append(router)
        self._changed()
        return router

    def include_routers(self, *routers: Router) -> None:
        for router in routers:
            self.include_router(router)

    def outer_middleware(self, middleware: Middleware) -> Middleware:
        """An outer middleware for every event kind at this router."""
        for kind in KINDS:
            self.observers[kind].outer_middlewares.append(middleware)
        self._changed()
        return middleware

    def middleware(self, middleware: Middleware) -> Middleware:
        """An inner middleware for every event kind at this router and below."""
        for kind in KINDS:
            self.observers[kind].inner_middlewares.append(middleware)
        self._changed()
        return middleware

    def _changed(self) -> None:
        root: Router = self
        while root.parent is not None:
            root = root.parent
        stack = [root]
        while stack:
            node = stack.pop()
            node._entries.clear()
            for obs in node.observers.values():
                obs.reset_index()
            stack.extend(node.sub_routers)

    # -- propagation ------------------------------------------------------------------

    async def propagate(self, kind: str, event: Any, data: Data) -> Any:
        """Offer the event to this router and its sub-routers; UNHANDLED if none took it."""
        entry = self._entries.get(kind)
        if entry is None:
            entry = self._compile(kind)
        return await entry(event, data)

    def _compile(self, kind: str) -> Step:
        observer = self.observers[kind]
        inner: list[Middleware] = []
        chain: list[Router] = []
        node: Router | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        for r in reversed(chain):
            inner.extend(r.observers[kind].inner_middlewares)
        call_handler: Step = compose(inner, _call_handler) if inner else _call_handler
        route = partial(self._route, kind, observer, call_handler)
        entry = compose(observer.outer_middlewares, route)
        self._entries[kind] = entry
        return entry

    async def _route(
        self, kind: str, observer: EventObserver, call_handler: Step, event: Any, data: Data
    ) -> Any:
        if observer.filters:
            for flt in observer.filters:
                result = await flt.check(event, data)
                if not result:
                    return UNHANDLED
                if isinstance(result, dict):
                    data = {**data, **result}
        if observer.handlers:
            text = getattr(event, "text", "")
            for handler in observer.candidates(command_name(text) if text else None):
                matched = await handler.check(event, data)
                if matched is None:
                    continue
                matched["handler"] = handler
                try:
                    return await call_handler(event, matched)
                except SkipHandler:
                    continue
        for sub in self.sub_routers:
            result = await sub.propagate(kind, event, data)
            if result is not UNHANDLED:
                return result
        return UNHANDLED


async def _call_handler(event: Any, data: Data) -> Any:
    handler: HandlerObject = data["handler"]
    return await handler.handler.call(event, data)
