"""Text filters: exact, prefix, substring, and regular expressions."""

from __future__ import annotations

import re
from typing import Any

from adapters.base import Event
from bot.filters.base import Filter, FilterResult

__all__ = ["Regexp", "Text"]


class Text(Filter):
    """Compares the message text; exactly one of the criteria is given."""

    def __init__(
        self,
        equals: str | None = None,
        *,
        startswith: str | None = None,
        contains: str | None = None,
        ignore_case: bool = True,
    ) -> None:
        given = [v for v in (equals, startswith, contains) if v is not None]
        if len(given) != 1:
            raise ValueError("Text() takes exactly one of equals, startswith, contains")
        self.ignore_case = ignore_case
        self.equals = self._norm(equals)
        self.startswith = self._norm(startswith)
        self.contains = self._norm(contains)

    def _norm(self, value: str | None) -> str | None:
        if value is None:
            return None
        return value.casefold() if self.ignore_case else value

    def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        text = event.text.casefold() if self.ignore_case else event.text
        if self.equals is not None:
            return text.strip() == self.equals
        if self.startswith is not None:
            return text.startswith(self.startswith)
        assert self.contains is not None
        return self.contains in text


class Regexp(Filter):
    """Passes when the pattern is found; the handler may take `match`."""

    def __init__(self, pattern: str | re.Pattern[str], flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags) if isinstance(pattern, str) else pattern

    def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        match = self.pattern.search(event.text)
        return {"match": match} if match else False
