"""The event log: what happened in the world, in order, for the fronts to deliver.

Each front renders these neutral events into its platform's updates (VK: Bots Long
Poll and Callback objects). Sequence numbers never repeat within one log, so a
front can use them as its long-poll cursor. Old events are trimmed in amortized
O(1) so the log can serve as a load target without growing forever.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from adapters.emulator.model import Conversation, Message

__all__ = ["EventKind", "EventLog", "WorldEvent"]


class EventKind(StrEnum):
    """The kinds of events a bot may be told about."""

    MESSAGE_NEW = "message_new"
    MESSAGE_EDIT = "message_edit"
    BUTTON_PRESS = "button_press"


@dataclass(frozen=True, slots=True, eq=False)
class WorldEvent:
    """One event; `user_id` is the author or the presser."""

    seq: int
    kind: EventKind
    conversation: Conversation
    user_id: int
    message: Message | None = None
    press_id: str = ""
    payload: Any = None


class EventLog:
    """Append-only, trimmed to the last `keep` events; waiters wake on append."""

    def __init__(self, keep: int = 100_000, first_seq: int = 1) -> None:
        self.keep = keep
        self._events: list[WorldEvent] = []
        self._base = first_seq  # seq of self._events[0]
        self._waiter: asyncio.Future[None] | None = None

    @property
    def head(self) -> int:
        """The seq the next event will get."""
        return self._base + len(self._events)

    @property
    def oldest(self) -> int:
        """The oldest seq still held; older cursors have lost events."""
        return self._base

    def append(
        self,
        kind: EventKind,
        conversation: Conversation,
        user_id: int,
        message: Message | None = None,
        press_id: str = "",
        payload: Any = None,
    ) -> WorldEvent:
        event = WorldEvent(self.head, kind, conversation, user_id, message, press_id, payload)
        self._events.append(event)
        if len(self._events) > 2 * self.keep:
            drop = len(self._events) - self.keep
            del self._events[:drop]
            self._base += drop
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        return event

    def since(self, seq: int, limit: int | None = None) -> list[WorldEvent]:
        """Events with seq >= `seq` (at most `limit`), oldest first."""
        start = max(seq - self._base, 0)
        end = None if limit is None else start + limit
        return self._events[start:end]

    async def wait(self, seq: int, seconds: float) -> None:
        """Return once an event with seq >= `seq` exists, or after `seconds`."""
        if self.head > seq or seconds <= 0:
            return
        if self._waiter is None or self._waiter.done():
            self._waiter = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(asyncio.shield(self._waiter), seconds)
        except TimeoutError:
            return
