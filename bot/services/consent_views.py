"""Stored objection windows as the domain sees them (regulation point 6).

Separate from `consent_common` so that `blocking` can read a block's latest window
for `/разблок` without importing the consent flow.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.moderation import ConsentWindow
from bot.moderation.consent import WindowStatus
from storage.models import ConsentWindow as WindowRow
from storage.repos import ConsentWindows

__all__ = ["latest_window", "window_view"]


def window_view(row: WindowRow, objectors: Iterable[str] = ()) -> ConsentWindow:
    return ConsentWindow(
        row.block_id,
        row.opened_at,
        row.closes_at,
        frozenset(row.eligible_voters),
        frozenset(objectors),
        cast(WindowStatus, row.status),
        row.id,
    )


async def latest_window(session: AsyncSession, block_id: int) -> ConsentWindow | None:
    """The block's newest window, whatever its status (for `decide_unblock`)."""
    repo = ConsentWindows(session)
    row = await repo.latest_for_block(block_id)
    return window_view(row, await repo.objectors(row.id)) if row is not None else None
