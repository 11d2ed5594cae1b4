"""Intake: the step between an event source (or a stream consumer) and the dispatcher.

Drops redeliveries by event key (ephemeral state, shared across workers when in
Redis) and feeds each batch in order, so one chat's events are handled in the order
the platform gave them. An event is marked seen only after it was handled: a crash
in the middle leaves it unmarked, and its redelivery is handled again, which the
decisions' idempotency keys make harmless (a replay finds its audit and outbox rows).
The source saves its cursor, or the worker acknowledges the stream entry, only after
`handle_batch` returns; a backing service that is down makes it raise instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from adapters.base import Event
from bot.dispatcher import Dispatcher
from storage.state.base import EphemeralState

__all__ = ["Intake"]

log = logging.getLogger("etiket.intake")


class Intake:
    """Dedup plus in-order feeding; counts what it saw for `/metrics`."""

    def __init__(self, dispatcher: Dispatcher, state: EphemeralState, *, dedup_ttl: float) -> None:
        self.dispatcher = dispatcher
        self.state = state
        self.dedup_ttl = dedup_ttl
        self.received = 0
        self.duplicates = 0
        self.handled = 0

    async def handle_batch(self, events: Sequence[Event]) -> None:
        """Handle each event in order unless handled before; raises if a service is down.

        Which events were handled before is asked once for the batch, and the handled
        ones are remembered together at its end (one round trip each way); a repeat
        within the batch is caught here. A batch that stops halfway remembers the
        events it finished before raising, so its redelivery resumes where it stopped.
        """
        keys = ["seen:" + event.key for event in events]
        known = await self.state.known_many(keys)
        done: dict[str, None] = {}  # ordered, and a repeat is found without a scan
        try:
            for event, key, before in zip(events, keys, known, strict=True):
                self.received += 1
                if before or key in done:
                    self.duplicates += 1
                    log.debug("dropped a redelivery of %s", event.key)
                    continue
                await self.dispatcher.feed_event(event)
                done[key] = None
                self.handled += 1
        finally:
            if done:
                await self.state.remember_many(list(done), self.dedup_ttl)

    async def handle(self, event: Event) -> None:
        """Handle `event` unless it was handled before; raises if a service is down."""
        await self.handle_batch([event])
