"""Platform actions: add in the deciding transaction, then claim, complete or fail.

Status changes are conditional updates, so two workers never both carry out one
action: only the one whose update matched a pending row goes ahead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, Update, bindparam, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PlatformAction, utcnow
from storage.repos._upsert import insert_for

__all__ = ["UNCLAIMED", "Outbox"]

UNCLAIMED = "etiket.outbox.unclaimed"
"""Set in a session's `info` once its transaction queued a row that no process has
claimed: whoever commits it should wake the action runner (`ActionRunner.kick`)."""


class Outbox:
    """The `platform_actions` table in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        key: str,
        *,
        platform: str,
        kind: str,
        params: dict[str, Any],
        audit_id: int | None = None,
        not_before: datetime | None = None,
    ) -> PlatformAction:
        """Queue a call; the same key again returns the first one (a replayed event)."""
        self.session.info[UNCLAIMED] = True
        added = await self._insert(key, platform, kind, params, audit_id, not_before, claims=0)
        found = added or await self.by_key(key)  # a conflict returns no row
        assert found is not None
        return found

    async def add_claimed(
        self,
        key: str,
        *,
        platform: str,
        kind: str,
        params: dict[str, Any],
        lease_until: datetime,
        audit_id: int | None = None,
    ) -> PlatformAction | None:
        """Queue a call already claimed by this process until `lease_until`, so that it
        can be carried out as soon as the transaction commits, without a claim of its
        own. None if the key was queued before (a replayed event): that row is left as
        it is, pending for whoever claims it.

        A process that dies before carrying it out leaves it to the next claim once the
        lease runs out, counted as interrupted, as a claimed row is (`claim_due`).
        """
        added = await self._insert(key, platform, kind, params, audit_id, lease_until, claims=1)
        if added is None:
            self.session.info[UNCLAIMED] = True
        return added

    async def _insert(
        self,
        key: str,
        platform: str,
        kind: str,
        params: dict[str, Any],
        audit_id: int | None,
        not_before: datetime | None,
        *,
        claims: int,
    ) -> PlatformAction | None:
        now = utcnow()
        stmt = (
            insert_for(self.session, PlatformAction)
            .values(
                key=key,
                audit_id=audit_id,
                platform=platform,
                kind=kind,
                params=params,
                status="pending",
                attempts=0,
                claims=claims,
                created_at=now,
                not_before=not_before or now,
            )
            .on_conflict_do_nothing(index_elements=[PlatformAction.key])
            .returning(PlatformAction)
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def by_key(self, key: str) -> PlatformAction | None:
        stmt = select(PlatformAction).where(PlatformAction.key == key)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def for_audit(self, audit_id: int) -> list[PlatformAction]:
        stmt = select(PlatformAction).where(PlatformAction.audit_id == audit_id)
        return list((await self.session.execute(stmt.order_by(PlatformAction.id))).scalars())

    async def due(self, now: datetime, *, limit: int = 100) -> list[PlatformAction]:
        """Pending actions whose time has come, oldest first (keeps per-chat order)."""
        stmt = (
            select(PlatformAction)
            .where(PlatformAction.status == "pending", PlatformAction.not_before <= now)
            .order_by(PlatformAction.id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def claim(self, action_id: int, now: datetime, lease_until: datetime) -> bool:
        """Take a due action for this process until `lease_until`; False if another has it.

        The lease lives in `not_before`: a process that dies holding it leaves the
        action due again when the lease runs out, and no two live processes carry
        out the same call.
        """
        stmt = _claiming(PlatformAction.id == action_id, now, lease_until)
        return bool((await self.session.execute(stmt)).rowcount)  # type: ignore[attr-defined]

    async def claim_many(
        self, action_ids: list[int], now: datetime, lease_until: datetime
    ) -> set[int]:
        """`claim` for many actions in one statement; returns the ids this process got."""
        if not action_ids:
            return set()
        stmt = _claiming(PlatformAction.id.in_(action_ids), now, lease_until)
        return set((await self.session.execute(stmt.returning(PlatformAction.id))).scalars())

    async def claim_due(
        self, now: datetime, lease_until: datetime, *, limit: int = 100
    ) -> list[PlatformAction]:
        """`due` and `claim_many` in one statement: the due actions this process got,
        oldest first, each with this claim already counted (see `interrupted_before`).

        Rows another transaction is claiming at the same moment are skipped rather
        than waited for (PostgreSQL's SKIP LOCKED; SQLite claims one writer at a time).
        """
        due = (
            select(PlatformAction.id)
            .where(PlatformAction.status == "pending", PlatformAction.not_before <= now)
            .order_by(PlatformAction.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = _claiming(PlatformAction.id.in_(due), now, lease_until).returning(PlatformAction)
        options = {"synchronize_session": False}
        rows = (await self.session.scalars(stmt, execution_options=options)).all()
        return sorted(rows, key=lambda a: a.id)

    async def release(self, action_ids: list[int], now: datetime) -> None:
        """Give back claims never acted on (a stop before their turn): due again at
        once, and their next claim does not count as interrupted."""
        if not action_ids:
            return
        stmt = (
            update(PlatformAction)
            .where(
                PlatformAction.id.in_(action_ids),
                PlatformAction.status == "pending",
                PlatformAction.claims > PlatformAction.attempts,
            )
            .values(not_before=now, claims=PlatformAction.claims - 1)
        )
        await self.session.execute(stmt, execution_options={"synchronize_session": False})

    async def extend(self, held: Mapping[int, int], lease_until: datetime) -> set[int]:
        """Renew the leases of calls still held: `held` maps each action's id to the
        claim count it had when this process took it. Returns the ids renewed; a row
        with an outcome since, or claimed again by another process after this one's
        lease ran out (its count moved on), is not touched and not returned.
        """
        if not held:
            return set()
        stmt = (
            update(PlatformAction)
            .where(
                tuple_(PlatformAction.id, PlatformAction.claims).in_(list(held.items())),
                PlatformAction.status == "pending",
                PlatformAction.claims > PlatformAction.attempts,
            )
            .values(not_before=lease_until)
            .returning(PlatformAction.id)
        )
        options = {"synchronize_session": False}
        return set((await self.session.scalars(stmt, execution_options=options)).all())

    async def free_interrupted(self, now: datetime) -> int:
        """Make every claimed call without an outcome due now; how many there were.

        Only for a process that knows it is the sole one carrying out calls (the
        single-process mode at start): the leases then belong to a run that is over.
        Their next claim still counts them as interrupted, so a send that may have
        gone out is looked up rather than repeated.
        """
        stmt = (
            update(PlatformAction)
            .where(
                PlatformAction.status == "pending",
                PlatformAction.claims > PlatformAction.attempts,
                PlatformAction.not_before > now,
            )
            .values(not_before=now)
        )
        options = {"synchronize_session": False}
        result = await self.session.execute(stmt, execution_options=options)
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def dialog_of(self, platform: str, user_id: str) -> str | None:
        """The dialog chat id the latest private sends to `user_id` reported in their
        results (MAX: where an interrupted one is looked up); None if none did."""
        stmt = (
            select(PlatformAction.result)
            .where(
                PlatformAction.platform == platform,
                PlatformAction.kind == "private",
                PlatformAction.status == "done",
                PlatformAction.params["user_id"].as_string() == user_id,
            )
            .order_by(PlatformAction.id.desc())
            .limit(20)
        )
        for result in await self.session.scalars(stmt):
            if isinstance(result, dict) and result.get("dialog"):
                return str(result["dialog"])
        return None

    async def next_due_at(self) -> datetime | None:
        stmt = select(PlatformAction.not_before).where(PlatformAction.status == "pending")
        stmt = stmt.order_by(PlatformAction.not_before).limit(1)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def complete(self, action_id: int, result: dict[str, Any] | None = None) -> bool:
        return await self._finish(action_id, "done", result=result, error=None)

    async def complete_many(self, outcomes: list[tuple[int, dict[str, Any] | None]]) -> None:
        """`complete` for many actions in one executemany (a fan-out's outcomes)."""
        if not outcomes:
            return
        table = cast(Table, PlatformAction.__table__)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.status == "pending")
            .values(
                status="done",
                result=bindparam("b_result"),
                error=None,
                attempts=table.c.attempts + 1,
                done_at=bindparam("b_at"),
            )
        )
        now = utcnow()
        rows = [{"b_id": i, "b_result": r, "b_at": now} for i, r in outcomes]
        await self.session.execute(stmt, rows)

    async def fail(self, action_id: int, error: str) -> bool:
        return await self._finish(action_id, "failed", result=None, error=error)

    async def retry_later(self, action_id: int, error: str, at: datetime) -> bool:
        stmt = (
            update(PlatformAction)
            .where(PlatformAction.id == action_id, PlatformAction.status == "pending")
            .values(attempts=PlatformAction.attempts + 1, error=error, not_before=at)
        )
        return bool((await self.session.execute(stmt)).rowcount)  # type: ignore[attr-defined]

    async def _finish(
        self, action_id: int, status: str, *, result: dict[str, Any] | None, error: str | None
    ) -> bool:
        stmt = (
            update(PlatformAction)
            .where(PlatformAction.id == action_id, PlatformAction.status == "pending")
            .values(
                status=status,
                result=result,
                error=error,
                attempts=PlatformAction.attempts + 1,
                done_at=utcnow(),
            )
        )
        return bool((await self.session.execute(stmt)).rowcount)  # type: ignore[attr-defined]


def _claiming(which: ColumnElement[bool], now: datetime, lease_until: datetime) -> Update:
    """The claim of `claim`, `claim_many` and `claim_due`: the rows `which` picks that
    are still pending and due get this process's lease and one more claim."""
    return (
        update(PlatformAction)
        .where(which, PlatformAction.status == "pending", PlatformAction.not_before <= now)
        .values(not_before=lease_until, claims=PlatformAction.claims + 1)
    )
