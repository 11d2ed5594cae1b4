"""One event kind's handlers within one router, with its middlewares and filters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from bot.filters.command import Command
from bot.handler import CallableObject, FilterObject, HandlerObject, Middleware

__all__ = ["EventObserver"]

F = TypeVar("F", bound=Callable[..., Any])


class EventObserver:
    """Registers handlers for one kind; `@router.message(Command("warn"))` is one of these.

    Handlers are tried in registration order. Those whose first filter is a
    `Command` are also indexed by command name, so a message is checked only
    against the handlers that could take it: twenty command handlers cost one
    dict lookup, not twenty filter calls.
    """

    def __init__(self, kind: str, on_change: Callable[[], None]) -> None:
        self.kind = kind
        self.handlers: list[HandlerObject] = []
        self.filters: list[FilterObject] = []
        self.outer_middlewares: list[Middleware] = []
        self.inner_middlewares: list[Middleware] = []
        self._on_change = on_change
        self._by_command: dict[str, tuple[HandlerObject, ...]] | None = None
        self._plain: tuple[HandlerObject, ...] = ()

    def register(
        self, callback: Callable[..., Any], *filters: Any, flags: Mapping[str, Any] | None = None
    ) -> Callable[..., Any]:
        """Add a handler; filters are callables returning bool or a dict."""
        commands = filters[0].names if filters and isinstance(filters[0], Command) else None
        self.handlers.append(
            HandlerObject(
                handler=CallableObject(callback),
                filters=tuple(FilterObject(f) for f in filters),
                flags=dict(flags or {}),
                commands=commands,
            )
        )
        self._on_change()
        return callback

    def __call__(self, *filters: Any, flags: Mapping[str, Any] | None = None) -> Callable[[F], F]:
        def decorator(callback: F) -> F:
            self.register(callback, *filters, flags=flags)
            return callback

        return decorator

    def filter(self, *filters: Any) -> None:
        """Filters every handler of this observer must pass first (e.g. `ChatOnly()`)."""
        self.filters.extend(FilterObject(f) for f in filters)
        self._on_change()

    def outer_middleware(self, middleware: Middleware) -> Middleware:
        """Sees every event of this kind that reaches this router, before any filter."""
        self.outer_middlewares.append(middleware)
        self._on_change()
        return middleware

    def middleware(self, middleware: Middleware) -> Middleware:
        """Wraps only the handler that matched; may read its flags via `data["handler"]`."""
        self.inner_middlewares.append(middleware)
        self._on_change()
        return middleware

    def reset_index(self) -> None:
        self._by_command = None

    def candidates(self, command: str | None) -> Iterable[HandlerObject]:
        """Handlers that could take an event with this command name (None: not a command)."""
        index = self._by_command
        if index is None:
            index = self._build_index()
        if command is None:
            return self._plain
        return index.get(command, self._plain)

    def _build_index(self) -> dict[str, tuple[HandlerObject, ...]]:
        names = {n for h in self.handlers if h.commands for n in h.commands}
        index = {
            name: tuple(h for h in self.handlers if h.commands is None or name in h.commands)
            for name in names
        }
        self._plain = tuple(h for h in self.handlers if h.commands is None)
        self._by_command = index
        return index
