"""Carrying out the outbox: platform calls decided in committed transactions.

Handlers never call the adapter for a sanction directly: they commit the decision,
its audit record and the calls it needs (`storage.repos.Outbox`), then `kick()`
this runner. It works through pending calls oldest first, one chat at a time in
order and chats side by side (so bursts can share a VK `execute`), and records each
outcome. A transient failure is retried later; a permanent one is recorded and
reported through `on_failure` (e.g. "the bot is not an admin" to the moderators).
Pending calls left by a crash are carried out at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from adapters.base import Button, Keyboard, MessengerAdapter
from adapters.errors import MessengerError, NotSupported, PrivacyRefused, TransientError
from storage import Database
from storage.models import PlatformAction, utcnow
from storage.repos import Outbox

__all__ = ["ActionRunner", "keyboard_from_json", "keyboard_to_json"]

log = logging.getLogger("etiket.actions")

FailureHook = Callable[[PlatformAction, MessengerError], Awaitable[None]]
RETRY_DELAYS = (5.0, 30.0, 120.0, 600.0)


def keyboard_to_json(keyboard: Keyboard | None) -> list[list[dict[str, Any]]] | None:
    if keyboard is None:
        return None
    return [
        [{"text": b.text, "payload": dict(b.payload), "style": b.style} for b in row]
        for row in keyboard.rows
    ]


def keyboard_from_json(rows: Sequence[Sequence[Mapping[str, Any]]] | None) -> Keyboard | None:
    if not rows:
        return None
    return Keyboard.of(
        *([Button(b["text"], b.get("payload", {}), b.get("style", "secondary")) for b in row]
          for row in rows)
    )  # fmt: skip


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
    ) -> None:
        self.db = db
        self.adapter = adapter
        self.on_failure = on_failure
        self.clock = clock
        self.retry_delays = tuple(retry_delays)
        self.idle_check = idle_check
        self.lease = timedelta(seconds=lease)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.done = 0
        self.failed = 0

    def kick(self) -> None:
        """New actions were committed: look now rather than at the next idle check."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="etiket:actions")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            # Clear before looking: a kick that comes while a batch is carried out must
            # wake the next round, not be lost until the idle check.
            self._wake.clear()
            try:
                while await self.process_due():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("carrying out platform actions failed; will retry")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle_check)

    async def process_due(self, limit: int = 500) -> int:
        """Carry out what is due now; returns how many actions were attempted."""
        now = self.clock()
        async with self.db.transaction() as session:
            outbox = Outbox(session)
            found = await outbox.due(now, limit=limit)
            mine = await outbox.claim_many([a.id for a in found], now, now + self.lease)
            due = [a for a in found if a.id in mine]
        if not found:
            return 0
        by_chat: dict[str, list[PlatformAction]] = {}
        for action in due:
            target = str(action.params.get("chat_id") or action.params.get("user_id") or "")
            by_chat.setdefault(target, []).append(action)
        outcomes = _Outcomes(self)
        try:
            await asyncio.gather(
                *(self._in_order(actions, outcomes) for actions in by_chat.values())
            )
        finally:
            await outcomes.flush()
        return len(found)

    async def _in_order(self, actions: list[PlatformAction], outcomes: _Outcomes) -> None:
        for action in actions:
            await self._one(action, outcomes)
            await outcomes.flush_if_due()

    async def _one(self, action: PlatformAction, outcomes: _Outcomes) -> None:
        try:
            result = await self._call(action.kind, action.params)
        except MessengerError as exc:
            self._failed(action, exc, outcomes)
            return
        except Exception as exc:  # a malformed row must not block the others
            log.exception("platform action %s (%s) is malformed", action.id, action.kind)
            outcomes.add(action, "fail", error=f"internal: {exc!r}")
            self.failed += 1
            return
        outcomes.add(action, "done", result=result)
        self.done += 1

    def _failed(self, action: PlatformAction, exc: MessengerError, outcomes: _Outcomes) -> None:
        error = f"{type(exc).__name__}: {exc}"
        attempt = action.attempts
        if isinstance(exc, TransientError) and attempt < len(self.retry_delays):
            at = self.clock() + timedelta(seconds=self.retry_delays[attempt])
            outcomes.add(action, "retry", error=error, at=at)
            log.warning("platform action %s failed (%s); retrying at %s", action.id, error, at)
            return
        outcomes.add(action, "fail", error=error, exc=exc)
        self.failed += 1
        log.warning("platform action %s (%s) failed for good: %s", action.id, action.kind, error)

    async def _report(self, action: PlatformAction, exc: MessengerError) -> None:
        if self.on_failure is None:
            return
        try:
            await self.on_failure(action, exc)
        except Exception:
            log.exception("reporting the failure of action %s failed", action.id)

    async def _call(self, kind: str, p: Mapping[str, Any]) -> dict[str, Any] | None:
        adapter = self.adapter
        keyboard = keyboard_from_json(p.get("keyboard"))
        if kind == "send":
            mid = await adapter.send_message(
                p["chat_id"], p["text"], keyboard=keyboard, reply_to=p.get("reply_to")
            )
            return {"message_id": mid}
        if kind == "private":
            return {
                "message_id": await adapter.send_private(p["user_id"], p["text"], keyboard=keyboard)
            }
        if kind == "delete":
            await adapter.delete_messages(p["chat_id"], list(p["message_ids"]))
            return None
        if kind == "remove":
            blocked = await adapter.remove_member(
                p["chat_id"], p["user_id"], block=p.get("block", False)
            )
            return {"blocked": blocked}
        if kind == "readd":
            return await self._readd(p)
        raise ValueError(f"unknown platform action kind {kind!r}")

    async def _readd(self, p: Mapping[str, Any]) -> dict[str, Any]:
        """Put someone back; where the platform cannot, send them an invite link instead."""
        try:
            await self.adapter.add_member(p["chat_id"], p["user_id"])
            return {"readded": True}
        except (NotSupported, PrivacyRefused) as exc:
            link = await self.adapter.invite_link(p["chat_id"])
            text = str(p.get("invite_text", "{link}")).format(link=link)
            await self.adapter.send_private(p["user_id"], text)
            return {"readded": False, "invite_sent": True, "why": type(exc).__name__}


@dataclass(slots=True)
class _Outcome:
    action: PlatformAction
    status: str
    result: dict[str, Any] | None = None
    error: str = ""
    at: datetime | None = None
    exc: MessengerError | None = None


class _Outcomes:
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
        self.items: list[_Outcome] = []
        self.lock = asyncio.Lock()
        self.last = time.monotonic()

    def add(self, action: PlatformAction, status: str, **fields: Any) -> None:
        self.items.append(_Outcome(action, status, **fields))

    async def flush_if_due(self) -> None:
        if len(self.items) >= self.EVERY or time.monotonic() - self.last >= self.SECONDS:
            await self.flush()

    async def flush(self) -> None:
        async with self.lock:
            items, self.items = self.items, []
            self.last = time.monotonic()
            if not items:
                return
            async with self.runner.db.transaction() as session:
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
        for o in items:
            if o.exc is not None:
                await self.runner._report(o.action, o.exc)
