"""The filter base class and its combinators (`&`, `|`, `~`)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from adapters.base import Event

__all__ = ["Filter", "FilterResult", "and_f", "invert_f", "or_f"]

FilterResult = bool | dict[str, Any]


class Filter:
    """Subclass and implement `__call__(event, data)`, sync or async.

    Returning a dict both passes and hands values on to the handler's arguments.
    """

    def __call__(
        self, event: Event, data: dict[str, Any]
    ) -> FilterResult | Awaitable[FilterResult]:
        raise TypeError(f"{type(self).__name__} does not implement __call__")

    def __and__(self, other: Filter) -> Filter:
        return and_f(self, other)

    def __or__(self, other: Filter) -> Filter:
        return or_f(self, other)

    def __invert__(self) -> Filter:
        return invert_f(self)


async def _resolve(flt: Filter, event: Event, data: dict[str, Any]) -> FilterResult:
    result = flt(event, data)
    if isinstance(result, Awaitable):
        return await result
    return result


class _And(Filter):
    def __init__(self, *parts: Filter) -> None:
        self.parts = parts

    async def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        merged: dict[str, Any] = {}
        for part in self.parts:
            result = await _resolve(part, event, {**data, **merged})
            if not result:
                return False
            if isinstance(result, dict):
                merged.update(result)
        return merged or True


class _Or(Filter):
    def __init__(self, *parts: Filter) -> None:
        self.parts = parts

    async def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        for part in self.parts:
            result = await _resolve(part, event, data)
            if result:
                return result
        return False


class _Not(Filter):
    def __init__(self, inner: Filter) -> None:
        self.inner = inner

    async def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        return not await _resolve(self.inner, event, data)


def and_f(*filters: Filter) -> Filter:
    """Passes when all pass; their dicts are merged."""
    return _And(*filters)


def or_f(*filters: Filter) -> Filter:
    """Passes with the first that passes."""
    return _Or(*filters)


def invert_f(flt: Filter) -> Filter:
    """Passes when `flt` does not."""
    return _Not(flt)
