"""Carrying out the outbox: platform calls decided in committed transactions.

Handlers never call the adapter for a sanction directly: they commit the decision,
its audit record and the calls it needs (`storage.repos.Outbox`), then `kick()`
this runner. It works through pending calls oldest first, one chat at a time in
order and chats side by side (so bursts can share a VK `execute`), and records each
outcome. A transient failure is retried later; a permanent one is recorded and
reported through `on_failure` (e.g. "the bot is not an admin" to the moderators).
Pending calls left by a crash are carried out at the next start.

A deciding transaction can also claim its calls as it queues them (`Handover`):
once it commits, they are handed to the runner and started at once, without a claim
of their own (one transaction fewer between a violation and its warning).

A claim is a lease that the runner renews while it holds the call (`Leases`), so a
call that is only slow is not taken up again.

The next page of due calls is claimed while the current one is still in flight
(once fewer than half a page are left, or when a kick says more were committed):
a VK `execute` is only as full as the outbound queue behind it, and waiting for a
page to drain before claiming the next left the queue empty between pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from adapters.base import MessengerAdapter
from adapters.errors import MessengerError
from bot.action_kinds import carry_out, keyboard_from_json, keyboard_to_json, sent_lookup
from bot.action_round import Handover, Leases, Outcomes, Round
from bot.turns import in_turn
from storage import Database
from storage.models import PlatformAction, utcnow
from storage.repos import Outbox

__all__ = ["ActionRunner", "Handover", "keyboard_from_json", "keyboard_to_json"]

log = logging.getLogger("etiket.actions")

FailureHook = Callable[[PlatformAction, MessengerError], Awaitable[None]]
RETRY_DELAYS = (5.0, 30.0, 120.0, 600.0)
PAGE = 100
"""Due actions claimed per query; about two pages at most are in flight at once."""


class ActionRunner:
    """Works through `platform_actions`; one per process and adapter."""

    def __init__(
        self,
        db: Database,
        adapter: MessengerAdapter,
        *,
        on_failure: FailureHook | None = None,
        clock: Callable[[], datetime] = utcnow,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        idle_check: float = 5.0,
        lease: float = 300.0,
        sole: bool = False,
    ) -> None:
        self.db = db
        self.adapter = adapter
        self.on_failure = on_failure
        self.clock = clock
        self.retry_delays = tuple(retry_delays)
        self.idle_check = idle_check
        self.lease = timedelta(seconds=lease)
        self.sole = sole
        """The only runner on this database (single-process mode): at start, the calls
        a stopped run claimed and left without an outcome are due at once, rather than
        when their leases end."""
        self._wake = asyncio.Event()
        self._stir = asyncio.Event()  # a kick or a finished action: look at the round again
        self._kicks = 0
        self._looked = -1  # `_kicks` when the database was last asked for due calls
        self._handed: list[PlatformAction] = []
        self.leases = Leases(db, clock, self.lease)
        self._task: asyncio.Task[None] | None = None
        self._renewing: asyncio.Task[None] | None = None
        self.done = 0
        self.failed = 0
        self.recorded = 0
        """Final outcomes (done or failed) committed so far."""

    def kick(self) -> None:
        """New actions were committed: look now rather than at the next idle check."""
        self._kicks += 1
        self._wake.set()
        self._stir.set()

    def handover(self) -> Handover:
        """For a deciding transaction: its calls are this process's until the lease ends."""
        return Handover(self.clock() + self.lease)

    def hand(self, actions: Sequence[PlatformAction]) -> None:
        """Calls claimed at birth in a transaction that committed: start them now."""
        if actions:
            self._handed.extend(actions)
            self.leases.hold(actions)
            self._wake.set()
            self._stir.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="etiket:actions")
        if self._renewing is None:
            self._renewing = asyncio.create_task(self.leases.run(), name="etiket:leases")

    async def stop(self) -> None:
        for task in (self._task, self._renewing):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._renewing = None
        await self._release_handed()
        self.leases.clear()  # what was cut off waits for its lease

    async def _release_handed(self) -> None:
        """Calls handed but not started are due again at once for the next process (if
        the database is away, their leases run out instead)."""
        handed, self._handed = self._handed, []
        if not handed:
            return
        self.leases.let_go([a.id for a in handed])
        try:
            async with in_turn(self.db) as session:
                await Outbox(session).release([a.id for a in handed], self.clock())
        except Exception as exc:
            log.warning("%d handed action(s) wait for their lease: %s", len(handed), exc)

    async def _loop(self) -> None:
        if self.sole:
            await self._free_interrupted()
        look = True
        while True:
            # Clear before looking: a kick that comes while a batch is carried out must
            # wake the next round, not be lost until the idle check.
            self._wake.clear()
            try:
                while await self.process_due(limit=None, look=look):
                    look = self._kicks != self._looked
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("carrying out platform actions failed; will retry")
            look = True  # after the idle check's wait, or a failure
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle_check)
                look = self._kicks != self._looked  # woken by a kick, or only by a hand

    async def _free_interrupted(self) -> None:
        try:
            async with in_turn(self.db) as session:
                freed = await Outbox(session).free_interrupted(self.clock())
        except Exception:
            log.exception("could not free the calls the last run left; their leases will end")
            return
        if freed:
            log.warning("%d platform call(s) cut off by the last stop are due again", freed)

    async def process_due(self, limit: int | None = 500, *, look: bool = True) -> int:
        """Carry out what is due, a page at a time; returns how many it took.

        `limit` caps the actions taken in this call; None goes on while any are due.
        Calls handed over (`hand`) are started first; `look=False` asks the database
        only after a kick, not at once.
        """
        run = Round(Outcomes(self))
        found = 0
        try:
            while limit is None or found < limit:
                kicks = self._kicks
                found += self._start_handed(run)
                got = 0
                if look:
                    self._looked = kicks
                    page = PAGE if limit is None else min(PAGE, limit - found)
                    got = await self._claim(run, page)
                    found += got
                if (limit is not None and found >= limit) or not await self._room(run, kicks, got):
                    break
                look = bool(got) or self._kicks != kicks
        except asyncio.CancelledError:
            for task in run.chains.values():
                task.cancel()
            raise
        finally:
            # Whatever ended the claiming (nothing left, a database error, a stop), the
            # actions started are finished, or cancelled on a stop, and recorded.
            try:
                await asyncio.gather(*run.chains.values(), return_exceptions=True)
            finally:
                await run.outcomes.flush()
        return found

    async def _claim(self, run: Round, page: int) -> int:
        """Claim up to `page` due actions and start them; returns how many it got."""
        now = self.clock()
        async with in_turn(self.db) as session:
            mine = await Outbox(session).claim_due(now, now + self.lease, limit=page)
        self.leases.hold(mine)
        for action in mine:
            # A row claimed before without an outcome was cut off by a crash and may
            # have reached the platform.
            self._start(run, action, action.interrupted_before)
        return len(mine)

    def _start_handed(self, run: Round) -> int:
        handed, self._handed = self._handed, []
        for action in handed:
            self._start(run, action, False)
        return len(handed)

    def _start(self, run: Round, action: PlatformAction, interrupted: bool) -> None:
        """Start `action` after the one before it in the same chat."""
        target = str(action.params.get("chat_id") or action.params.get("user_id") or "")
        previous = run.chains.get(target)
        run.flying += 1
        step = self._after(previous, action, run, interrupted)
        run.chains[target] = asyncio.create_task(step)

    async def _room(self, run: Round, kicks: int, got: int) -> bool:
        """Wait until another page is worth claiming; False once nothing is left to do.

        Worth it when fewer than half a page are in flight (and the last claim found
        some), or after a kick while less than a page is in flight.
        """
        while True:
            if self._handed:
                return True
            kicked = self._kicks != kicks
            if run.flying == 0:
                return bool(got) or kicked
            if (got and run.flying <= PAGE // 2) or (kicked and run.flying < PAGE):
                return True
            self._stir.clear()
            await self._stir.wait()

    async def _after(
        self,
        previous: asyncio.Task[None] | None,
        action: PlatformAction,
        run: Round,
        interrupted: bool = False,
    ) -> None:
        """One action, after the one before it in the same chat (even across pages)."""
        try:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            await self._one(action, run.outcomes, interrupted)
            await run.outcomes.flush_if_due()
        except Exception:  # the lost outcomes' actions are carried out again after the lease
            log.exception("recording the outcomes of platform actions failed")
        finally:
            run.flying -= 1
            self._stir.set()

    async def _one(
        self, action: PlatformAction, outcomes: Outcomes, interrupted: bool = False
    ) -> None:
        if not self.leases.holds(action.id):  # its lease was taken over while it waited
            log.warning("platform action %s is another process's now; not carried out", action.id)
            return
        since = action.created_at if interrupted else None
        dialog = await self._dialog(action) if interrupted else None
        try:
            result = await carry_out(
                self.adapter, action.kind, action.params, key=action.key, interrupted_since=since,
                dialog=dialog,
            )  # fmt: skip
        except MessengerError as exc:
            outcomes.failed(action, exc)
            return
        except Exception as exc:  # a malformed row must not block the others
            log.exception("platform action %s (%s) is malformed", action.id, action.kind)
            outcomes.add(action, "fail", error=f"internal: {exc!r}")
            self.failed += 1
            return
        outcomes.add(action, "done", result=result)
        self.done += 1

    async def _dialog(self, action: PlatformAction) -> str | None:
        """For an interrupted private send where the platform looks it up (MAX): the
        dialog an earlier private send to the person reported."""
        if action.kind != "private" or sent_lookup(self.adapter) is None:
            return None
        try:
            async with in_turn(self.db) as session:
                user = str(action.params["user_id"])
                return await Outbox(session).dialog_of(action.platform, user)
        except Exception as exc:  # as a failed lookup: sending again is the lesser harm
            log.warning("cannot read the dialog of action %s: %s", action.id, exc)
            return None
