"""One scheduler among many processes: the holder of a Redis lease runs the timers.

Every worker keeps its `Timers`, but only the leader's fire. Timers are armed in
whichever process made the decision (a block in one worker, an announcement in
another), so the leader re-arms from the database, the source of truth, when it
takes office and then every `tick` seconds, and runs whatever is due. A leader that
dies stops renewing; within the lease's time to live another process takes over
and re-arms. Firing is safe to repeat (each timer's decision carries its own
idempotency key), so a brief overlap during a failover does no harm.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.scale.leases import Lease
from bot.unavailable import is_unavailable

__all__ = ["Leadership"]

log = logging.getLogger("etiket.leader")

Step = Callable[[], Awaitable[None]]


class Leadership:
    """Campaigns for `lease`; `on_gain`/`on_lose` switch the timers, `on_tick` resyncs."""

    def __init__(
        self, lease: Lease, *, on_gain: Step, on_lose: Step, on_tick: Step, tick: float = 1.0
    ) -> None:
        self.lease = lease
        self.on_gain = on_gain
        self.on_lose = on_lose
        self.on_tick = on_tick
        self.tick = tick
        self.is_leader = False
        self.terms = 0
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(), name="etiket:leadership")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self.is_leader:
            await self._step_down()
        with contextlib.suppress(Exception):
            await self.lease.release()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.is_leader:
                    await self._step_down()
                if is_unavailable(exc):
                    log.warning("leadership check failed, Redis or the database is away: %s", exc)
                else:
                    log.exception("leadership step failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.tick)

    async def _once(self) -> None:
        if self.is_leader:
            if not await self.lease.renew():
                log.warning("lost the scheduler lease; timers stop here")
                await self._step_down()
                return
            await self._guarded(self.on_tick, "re-arming the timers")
            return
        if await self.lease.acquire():
            self.is_leader = True
            self.terms += 1
            log.info("this process runs the scheduler now (%s)", self.lease.token)
            await self._guarded(self.on_gain, "taking over the timers")

    async def _guarded(self, step: Step, what: str) -> None:
        """A failing step (the database away) is retried at the next tick; the lease stays."""
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if is_unavailable(exc):
                log.warning("%s failed, a backing service is away: %s", what, exc)
            else:
                log.exception("%s failed", what)

    async def _step_down(self) -> None:
        self.is_leader = False
        try:
            await self.on_lose()
        except Exception:
            log.exception("stepping down failed")
