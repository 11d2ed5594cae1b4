"""Carrying out departure removals and reporting each one (regulation point 8).

Removals are outbox rows; `carry_out` drives an `ActionRunner` until the rows of
one sync are settled, `outcomes` reads what the platform answered for each, and
`retry_failed` queues a failed removal again (a new row, `<key>#r<n>`, so the
failed attempt stays on record).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from adapters.base import MessengerAdapter
from bot.actions import ActionRunner
from bot.services.roster import KEY_PREFIX
from storage import Database
from storage.models import PlatformAction
from storage.repos import Outbox

__all__ = ["RemovalOutcome", "carry_out", "outcomes", "retry_failed"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RemovalOutcome:
    key: str
    platform_chat_id: str
    user_id: str
    status: str  # pending, done, failed
    error: str | None


def _base(key: str) -> str:
    return key.partition("#")[0]


async def outcomes(db: Database, prefix: str = KEY_PREFIX) -> list[RemovalOutcome]:
    """The latest attempt of every removal whose key starts with `prefix`."""
    stmt = select(PlatformAction).where(
        PlatformAction.key.startswith(prefix, autoescape=True), PlatformAction.kind == "remove"
    )
    async with db.transaction() as session:
        rows = list((await session.execute(stmt.order_by(PlatformAction.id))).scalars())
    latest = {_base(a.key): a for a in rows}
    return [
        RemovalOutcome(key, str(a.params["chat_id"]), str(a.params["user_id"]), a.status, a.error)
        for key, a in sorted(latest.items())
    ]


async def carry_out(
    db: Database,
    adapter: MessengerAdapter,
    prefix: str = KEY_PREFIX,
    *,
    progress: Progress | None = None,
    give_up_after: float = 3600.0,
) -> list[RemovalOutcome]:
    """Run the outbox until no removal under `prefix` is pending; chats go side by side."""
    runner = ActionRunner(db, adapter, retry_delays=(1.0, 2.0, 5.0))
    deadline = time.monotonic() + give_up_after
    while True:
        state = await outcomes(db, prefix)
        if progress is not None:
            progress(sum(o.status != "pending" for o in state), len(state))
        if all(o.status != "pending" for o in state) or time.monotonic() > deadline:
            return state
        if not await runner.process_due(limit=500):
            await asyncio.sleep(0.2)


async def retry_failed(db: Database, prefix: str = KEY_PREFIX) -> list[str]:
    """Queue every failed removal under `prefix` again; returns the new keys."""
    failed = [o for o in await outcomes(db, prefix) if o.status == "failed"]
    keys = []
    async with db.transaction() as session:
        outbox = Outbox(session)
        for o in failed:
            first = await outbox.by_key(o.key)
            assert first is not None
            stmt = select(PlatformAction.key).where(
                PlatformAction.key.startswith(f"{o.key}#", autoescape=True)
            )
            tries = len(list((await session.execute(stmt)).scalars()))
            key = f"{o.key}#r{tries + 1}"
            params = dict(first.params)
            await outbox.add(
                key, platform=first.platform, kind="remove", params=params, audit_id=first.audit_id
            )
            keys.append(key)
    return keys
