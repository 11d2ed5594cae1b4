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
        for event in events:
            await self.handle(event)

    async def handle(self, event: Event) -> None:
        """Handle `event` unless it was handled before; raises if a service is down."""
        self.received += 1
        key = "seen:" + event.key
        if await self.state.known(key):
            self.duplicates += 1
            log.debug("dropped a redelivery of %s", event.key)
            return
        await self.dispatcher.feed_event(event)
        await self.state.remember(key, self.dedup_ttl)
        self.handled += 1
