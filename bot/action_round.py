"""The action runner's (`bot.actions`) bookkeeping: the calls a deciding transaction
hands over on commit, and one round's outcomes, recorded in batches, with the last
started call of each chat."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from adapters.errors import MessengerError
from bot.turns import in_turn
from storage.models import PlatformAction
from storage.repos import Outbox

if TYPE_CHECKING:
    from bot.actions import ActionRunner

__all__ = ["Handover", "Outcomes", "Round"]


@dataclass(slots=True)
class Handover:
    """The calls a deciding transaction claims as it queues them (`Outbox.add_claimed`),
    held in its session's `info` until it commits; then `ActionRunner.hand` starts them.
    """

    lease_until: datetime
    actions: list[PlatformAction] = field(default_factory=list)

    KEY = "etiket.actions.handover"

    @classmethod
    def of(cls, info: dict[Any, Any]) -> Handover | None:
        found = info.get(cls.KEY)
        return found if isinstance(found, cls) else None


@dataclass(slots=True)
class Outcome:
    action: PlatformAction
    status: str
    result: dict[str, Any] | None = None
    error: str = ""
    at: datetime | None = None
    exc: MessengerError | None = None


class Outcomes:
    """Outcomes of one round, recorded a few dozen per transaction.

    One transaction per call cost more than the calls themselves in a fan-out to a
    thousand chats; flushing every 50 outcomes or quarter second keeps what a crash
    could lose (calls made but not recorded, carried out again after the lease)
    small.
    """

    EVERY = 50
    SECONDS = 0.25

    def __init__(self, runner: ActionRunner) -> None:
        self.runner = runner
        self.items: list[Outcome] = []
        self.lock = asyncio.Lock()
        self.last = time.monotonic()

    def add(self, action: PlatformAction, status: str, **fields: Any) -> None:
        self.items.append(Outcome(action, status, **fields))

    def _due(self) -> bool:
        return len(self.items) >= self.EVERY or time.monotonic() - self.last >= self.SECONDS

    async def flush_if_due(self) -> None:
        if self._due():
            await self.flush(if_due=True)

    async def flush(self, *, if_due: bool = False) -> None:
        async with self.lock:
            if if_due and not self._due():  # flushed while this one waited for the lock
                return
            items, self.items = self.items, []
            self.last = time.monotonic()
            if not items:
                return
            async with in_turn(self.runner.db) as session:
                outbox = Outbox(session)
                await outbox.complete_many(
                    [(o.action.id, o.result) for o in items if o.status == "done"]
                )
                for o in items:
                    if o.status == "done":
                        continue
                    if o.status == "retry":
                        assert o.at is not None
                        await outbox.retry_later(o.action.id, o.error, o.at)
                    else:
                        await outbox.fail(o.action.id, o.error)
            self.runner.recorded += sum(o.status != "retry" for o in items)
        for o in items:
            if o.exc is not None:
                await self.runner._report(o.action, o.exc)


@dataclass(slots=True)
class Round:
    """One `process_due` call: its outcomes, the last task of each chat, how many fly."""

    outcomes: Outcomes
    chains: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    flying: int = 0
