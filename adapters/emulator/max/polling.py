"""`GET /updates`: MAX long polling over the event log (NOTES §3.1).

The marker is an event seq: the one the client expects next. Passing it commits
everything before it; without it the poll starts at the last commitment (the
schema's wording; newer docs say "only the latest update", so clients always send
one). A poll is held up to `timeout` seconds until an update the bot may see and
asked for (`types`) arrives. While a webhook is subscribed polling returns
nothing (NOTES §3.1), and the `longpoll_failed` fault answers 503 instead.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from adapters.emulator.max.context import MaxCall, bad
from adapters.emulator.max.errors import status_error

if TYPE_CHECKING:
    from adapters.emulator.max.front import MaxFront

__all__ = ["UpdatesServer"]

MAX_LIMIT, MAX_TIMEOUT = 1000, 90
FAILED = frozenset({"longpoll_failed"})
DUPLICATE = frozenset({"duplicate"})


class UpdatesServer:
    """Serves `/updates`; `committed` is the last marker the bot sent."""

    def __init__(self, front: MaxFront) -> None:
        self.front = front
        self.committed: int | None = None

    def reset(self) -> None:
        self.committed = None

    async def get_updates(self, call: MaxCall) -> dict[str, Any]:
        limit, timeout = call.integer("limit", 100), call.integer("timeout", 30)
        if not (1 <= limit <= MAX_LIMIT and 0 <= timeout <= MAX_TIMEOUT):
            raise bad(f"limit must be 1..{MAX_LIMIT} and timeout 0..{MAX_TIMEOUT}")
        types = {t for t in call.query.get("types", "").split(",") if t} or None
        hub = self.front.hub
        fault = hub.faults.draw(FAILED, "GET /updates")
        if fault is not None:
            raise status_error(fault.code if 500 <= fault.code < 600 else 503)
        events = hub.world.events
        if "marker" in call.query:
            self.committed = call.integer("marker")
        start = min(max(self.committed or 0, events.oldest), events.head)
        cursor, updates = start, []
        deadline = time.monotonic() + timeout
        while True:
            for event in events.since(cursor):
                cursor = event.seq + 1
                update = None if self.front.webhooks.active else self.front.renderer.render(event)
                if update is not None and (types is None or update["update_type"] in types):
                    updates.append(update)
                    if len(updates) == limit:
                        break
            remaining = deadline - time.monotonic()
            if updates or remaining <= 0:
                break
            await events.wait(cursor, remaining)
            if hub.world.events is not events:  # reset while waiting: start afresh
                return {"updates": [], "marker": hub.world.events.head}
        if updates and hub.faults.draw(DUPLICATE, "GET /updates") is not None:
            cursor = start  # the same batch comes again on the next poll
        return {"updates": updates, "marker": cursor}
