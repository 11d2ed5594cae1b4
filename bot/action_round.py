"""The action runner's (`bot.actions`) bookkeeping: the calls a deciding transaction
hands over on commit, and one round's outcomes (done, retry later or failed for good,
and reported), recorded in batches, with the last started call of each chat."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from adapters.errors import MessengerError, TransientError
from bot.turns import in_turn
from storage import Database
from storage.models import PlatformAction
from storage.repos import Outbox

if TYPE_CHECKING:
    from bot.actions import ActionRunner

__all__ = ["Handover", "Leases", "Outcomes", "Round"]

log = logging.getLogger("etiket.actions")


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


class Leases:
    """The calls a runner claimed and has not yet recorded, and their leases' renewal.

    A call can wait longer than its lease for its turn: behind a token paced at VK's
    20 requests/s, or behind a slow call in the same chat. Renewed every third of the
    lease, it is not taken up by another process, nor by this one's next claim.
    """

    def __init__(self, db: Database, clock: Callable[[], datetime], lease: timedelta) -> None:
        self.db = db
        self.clock = clock
        self.lease = lease
        self.held: dict[int, int] = {}
        """id -> the claim count the row had when taken here (`Outbox.extend`)."""
        self.lock = asyncio.Lock()
        """Held while outcomes or renewals are written: a renewal never sees a call
        between its outcome's commit and its release here."""

    def hold(self, actions: Sequence[PlatformAction]) -> None:
        for action in actions:
            self.held[action.id] = action.claims

    def holds(self, action_id: int) -> bool:
        return action_id in self.held

    def let_go(self, ids: Sequence[int]) -> None:
        """The calls' outcomes are recorded (or lost): their leases are not renewed."""
        for action_id in ids:
            self.held.pop(action_id, None)

    def clear(self) -> None:
        self.held.clear()

    async def run(self) -> None:
        every = self.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                await self.renew()
            except Exception as exc:  # the database is away: the next turn tries again
                log.warning("renewing the leases of %d call(s) failed: %s", len(self.held), exc)

    async def renew(self) -> int:
        """Extend the lease of every call held here; returns how many were renewed.

        A call whose lease ran out and was claimed by another process is let go: if it
        has not started here, it will not (`ActionRunner._one`).
        """
        async with self.lock:
            held = dict(self.held)
            if not held:
                return 0
            async with in_turn(self.db) as session:
                kept = await Outbox(session).extend(held, self.clock() + self.lease)
            lost = held.keys() - kept
            self.let_go(list(lost))
        if lost:
            log.warning("%d call(s) held here were taken over when their leases ran out", len(lost))
        return len(kept)


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
        self.lock = runner.leases.lock
        self.last = time.monotonic()

    def add(self, action: PlatformAction, status: str, **fields: Any) -> None:
        self.items.append(Outcome(action, status, **fields))

    def failed(self, action: PlatformAction, exc: MessengerError) -> None:
        """A refused call: retried later while transient and attempts remain, else
        failed for good and reported (`on_failure`) once recorded."""
        runner, error = self.runner, f"{type(exc).__name__}: {exc}"
        attempt = action.attempts
        if isinstance(exc, TransientError) and attempt < len(runner.retry_delays):
            at = runner.clock() + timedelta(seconds=runner.retry_delays[attempt])
            self.add(action, "retry", error=error, at=at)
            log.warning("platform action %s failed (%s); retrying at %s", action.id, error, at)
            return
        self.add(action, "fail", error=error, exc=exc)
        runner.failed += 1
        log.warning("platform action %s (%s) failed for good: %s", action.id, action.kind, error)

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
            try:
                await self._record(items)
            finally:  # recorded, or lost: carried out again once the leases run out
                self.runner.leases.let_go([o.action.id for o in items])
        for o in items:
            if o.exc is not None:
                await self._report(o.action, o.exc)

    async def _report(self, action: PlatformAction, exc: MessengerError) -> None:
        if self.runner.on_failure is None:
            return
        try:
            await self.runner.on_failure(action, exc)
        except Exception:
            log.exception("reporting the failure of action %s failed", action.id)

    async def _record(self, items: list[Outcome]) -> None:
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


@dataclass(slots=True)
class Round:
    """One `process_due` call: its outcomes, the last task of each chat, how many fly."""

    outcomes: Outcomes
    chains: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    flying: int = 0
