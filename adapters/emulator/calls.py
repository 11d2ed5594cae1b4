"""The call log: every API call the bot made, for tests and for a person watching.

Entries are plain JSON-ready dicts so the control API can serve them as they are.
`unknown_params` lists parameters the platform schema does not know (VK accepts and
ignores them; a contract test should flag an adapter that sends any).
"""

from __future__ import annotations

import time
from typing import Any

__all__ = ["CallLog"]


class CallLog:
    """Append-only list of calls, numbered from 0; `since(n)` pages through it."""

    def __init__(self, keep: int = 100_000) -> None:
        self.keep = keep
        self._calls: list[dict[str, Any]] = []
        self._base = 0

    @property
    def head(self) -> int:
        return self._base + len(self._calls)

    def record(
        self,
        method: str,
        params: dict[str, Any],
        *,
        result: Any = None,
        error: dict[str, Any] | None = None,
        unknown_params: list[str] | None = None,
        parent: int | None = None,
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "seq": self.head,
            "time": time.time(),
            "method": method,
            "params": params,
            "unknown_params": unknown_params or [],
        }
        if error is not None:
            entry["error"] = error
        else:
            entry["result"] = result
        if parent is not None:
            entry["parent"] = parent
        self._calls.append(entry)
        if len(self._calls) > 2 * self.keep:
            drop = len(self._calls) - self.keep
            del self._calls[:drop]
            self._base += drop
        return entry

    def since(self, seq: int = 0) -> list[dict[str, Any]]:
        return self._calls[max(seq - self._base, 0) :]

    def clear(self) -> None:
        self._base = self.head
        self._calls.clear()
