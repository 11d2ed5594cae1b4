"""Intake: the step between an event source and the dispatcher.

Drops redeliveries by event key (ephemeral state, shared across workers when in
Redis) and feeds each batch in order, so one chat's events are handled in the order
the platform gave them. The source saves its cursor only after `handle_batch`
returns, so a crash replays the batch and the dedup makes the replay harmless.
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

    async def handle_batch(self, events: Sequence[Event]) -> None:
        for event in events:
            await self.handle(event)

    async def handle(self, event: Event) -> None:
        self.received += 1
        if not await self.state.remember("seen:" + event.key, self.dedup_ttl):
            self.duplicates += 1
            log.debug("dropped a redelivery of %s", event.key)
            return
        await self.dispatcher.feed_event(event)
