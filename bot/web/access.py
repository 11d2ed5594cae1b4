"""Who looked at whose data, and what they changed from the dashboard.

Every log page, case and export a viewer opens, and every announcement they create
or cancel, is an audit row like any other (append-only, `actor_kind` "person", the
account as `dashboard:<name>`), with `chat_id` left empty so that a viewing never
takes a case number from the chat's counter; the filter, case or announcement goes
in `reason`.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.web.session import Viewer
from storage.models import utcnow
from storage.repos import AuditLog

__all__ = ["record_access"]


async def record_access(
    session: AsyncSession, viewer: Viewer, action: str, what: str, target: str | None = None
) -> None:
    await AuditLog(session).append(
        action=action,
        actor_kind="person",
        actor_id=viewer.actor_id,
        target_user_id=target,
        reason=what[:1000],
        created_at=utcnow(),
    )
