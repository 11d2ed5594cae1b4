"""The Bots Long Poll server (NOTES §2): `a_check` with key, ts and wait.

`ts` is the event log's sequence number: a poll returns the updates at or after
`ts` and the ts to ask for next. `{failed: 1, ts}` when the cursor lies outside
the kept history, `{failed: 2}` when the key is stale, `{failed: 3}` when the
server lost the session (both need getLongPollServer again).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from aiohttp import web

from adapters.emulator.faults import FaultBook
from adapters.emulator.hub import Emulator
from adapters.emulator.vk.updates import UpdateRenderer

__all__ = ["LongPollServer"]

MAX_WAIT = 90
BATCH = 1000


class LongPollServer:
    """Keys and the a_check handler for one community."""

    def __init__(self, hub: Emulator, renderer: UpdateRenderer) -> None:
        self.hub = hub
        self.renderer = renderer
        self.key: str | None = None

    def issue(self) -> tuple[str, str]:
        """The current key (made on first use) and ts, for groups.getLongPollServer."""
        if self.key is None:
            self.key = secrets.token_hex(20)
        return self.key, str(self.hub.world.events.head)

    def expire(self) -> None:
        self.key = None

    async def a_check(self, request: web.Request, faults: FaultBook) -> dict[str, Any]:
        query = request.query
        if query.get("act") != "a_check" or self.key is None or query.get("key") != self.key:
            return {"failed": 2}
        events = self.hub.world.events
        fault = faults.draw(frozenset({"longpoll_failed"}), "a_check")
        if fault is not None:
            if fault.failed == 1:
                return {"failed": 1, "ts": str(events.head)}
            self.expire()
            return {"failed": fault.failed}
        try:
            ts = int(query.get("ts", ""))
            wait = min(max(float(query.get("wait", "25")), 0.0), MAX_WAIT)
        except ValueError:
            return {"failed": 1, "ts": str(events.head)}
        if ts > events.head or ts < events.oldest:
            return {"failed": 1, "ts": str(events.oldest if ts < events.oldest else events.head)}
        start, updates = ts, []
        deadline = time.monotonic() + wait
        while True:
            batch = events.since(ts, BATCH)
            ts += len(batch)
            updates = [u for u in map(self.renderer.render, batch) if u is not None]
            remaining = deadline - time.monotonic()
            if updates or remaining <= 0:
                break
            await events.wait(ts, remaining)
            if self.hub.world.events is not events:  # reset while waiting
                return {"failed": 2}
        if updates and faults.draw(frozenset({"duplicate"}), "a_check") is not None:
            ts = start  # the same batch comes again on the next poll
        return {"ts": str(ts), "updates": updates}
