"""A per-token request limit: at most N requests in any sliding window of arrival time."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

__all__ = ["SlidingWindow"]


class SlidingWindow:
    """At most `limit` accepted requests in any `window` seconds of arrival time."""

    def __init__(
        self, limit: int, window: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._arrivals: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Count a request under `key` if the window has room; refused ones do not count."""
        now = self.clock()
        arrivals = self._arrivals.setdefault(key, deque())
        while arrivals and arrivals[0] <= now - self.window:
            arrivals.popleft()
        if len(arrivals) >= self.limit:
            return False
        arrivals.append(now)
        return True

    def reset(self) -> None:
        self._arrivals.clear()
