"""Handlers and filters as registered objects: signatures are read once, here.

At call time a handler receives the event positionally and, by name, only the data
it declares (aiogram's rule). Inspecting at registration keeps the hot path to a
dict comprehension and works for partials and callable objects alike.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.base import Event

__all__ = ["CallableObject", "FilterObject", "HandlerObject"]

Data = dict[str, Any]


def _wants(func: Callable[..., Any], takes_event: bool) -> tuple[str, ...] | None:
    """Keyword names the callable accepts after the event (None: it takes **kwargs)."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):  # builtins without a signature get the event only
        return ()
    params = list(sig.parameters.values())
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if takes_event:
        positional = positional[1:]
    rest = positional + [p for p in params if p.kind is p.KEYWORD_ONLY]
    return tuple(p.name for p in rest)


def _is_async(func: Callable[..., Any]) -> bool:
    if inspect.iscoroutinefunction(func):
        return True
    call = getattr(func, "__call__", None)  # noqa: B004 - callable objects
    return call is not None and inspect.iscoroutinefunction(call)


@dataclass(slots=True)
class CallableObject:
    """A callable with its accepted argument names, resolved once."""

    callback: Callable[..., Any]
    takes_event: bool = True
    params: tuple[str, ...] | None = field(init=False)
    is_async: bool = field(init=False)

    def __post_init__(self) -> None:
        self.params = _wants(self.callback, self.takes_event)
        self.is_async = _is_async(self.callback)

    def kwargs(self, data: Mapping[str, Any]) -> dict[str, Any]:
        if self.params is None:
            return dict(data)
        return {name: data[name] for name in self.params if name in data}

    async def call(self, event: Any, data: Mapping[str, Any]) -> Any:
        result = self.callback(event, **self.kwargs(data))
        if self.is_async:
            return await result
        return result


class FilterObject(CallableObject):
    """A filter: returns False, True or a dict merged into the handler's arguments.

    `Filter` instances take `(event, data)` directly, which keeps the built-in ones
    cheap; plain functions get dependency injection like handlers.
    """

    __slots__ = ("direct",)

    def __init__(self, callback: Callable[..., Any]) -> None:
        super().__init__(callback)
        from bot.filters.base import Filter  # local: filters import this module

        self.direct = isinstance(callback, Filter)

    async def check(self, event: Event, data: Data) -> bool | dict[str, Any]:
        if self.direct:
            result = self.callback(event, data)
        else:
            result = self.callback(event, **self.kwargs(data))
        if self.is_async:
            result = await result
        return result  # type: ignore[no-any-return]


@dataclass(slots=True)
class HandlerObject:
    """A registered handler with its filters and flags (read by inner middlewares)."""

    handler: CallableObject
    filters: tuple[FilterObject, ...]
    flags: Mapping[str, Any]
    commands: frozenset[str] | None = None
    """Command names when the first filter is a `Command`: lets routers index them."""

    async def check(self, event: Event, data: Data) -> Data | None:
        """The data to call with if every filter passes, else None."""
        for flt in self.filters:
            result = await flt.check(event, data)
            if result is False or result is None:
                return None
            if isinstance(result, dict):
                data = {**data, **result}
        return data


Middleware = Callable[[Callable[[Any, Data], Awaitable[Any]], Any, Data], Awaitable[Any]]
