"""Chat memberships: joins, departures, rule acknowledgements, admin flags.

Only one stay per person and chat is open at a time; a rejoin opens a new one, so the
question "did they acknowledge the rules since they last joined?" has a plain answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Membership, utcnow

__all__ = ["Memberships"]


class Memberships:
    """Memberships in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, chat_id: int, user_id: str) -> Membership | None:
        """The open stay of `user_id` in the chat, if any."""
        stmt = (
            select(Membership)
            .where(
                Membership.chat_id == chat_id,
                Membership.user_id == user_id,
                Membership.left_at.is_(None),
            )
            .order_by(Membership.joined_at.desc(), Membership.id.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def joined(
        self, chat_id: int, user_id: str, *, at: datetime | None = None, is_admin: bool = False
    ) -> Membership:
        """Open a stay; a repeated join event returns the stay already open."""
        membership = await self.current(chat_id, user_id)
        if membership is None:
            membership = Membership(
                chat_id=chat_id, user_id=user_id, joined_at=at or utcnow(), is_admin=is_admin
            )
            self.session.add(membership)
            await self.session.flush()
        return membership

    async def left(self, chat_id: int, user_id: str, *, at: datetime | None = None) -> bool:
        """Close the open stay; False if the person was not known to be in the chat."""
        membership = await self.current(chat_id, user_id)
        if membership is None:
            return False
        membership.left_at = at or utcnow()
        await self.session.flush()
        return True

    async def acknowledge(self, chat_id: int, user_id: str, *, at: datetime | None = None) -> bool:
        """Record that the rules were acknowledged (point 3); False if not a member."""
        membership = await self.current(chat_id, user_id)
        if membership is None:
            return False
        if membership.acknowledged_rules_at is None:
            membership.acknowledged_rules_at = at or utcnow()
            await self.session.flush()
        return True

    async def set_admin(self, chat_id: int, user_id: str, is_admin: bool) -> bool:
        membership = await self.current(chat_id, user_id)
        if membership is None:
            return False
        membership.is_admin = is_admin
        await self.session.flush()
        return True

    async def members(self, chat_id: int) -> list[Membership]:
        """Open stays in a chat, earliest join first."""
        stmt = (
            select(Membership)
            .where(Membership.chat_id == chat_id, Membership.left_at.is_(None))
            .order_by(Membership.joined_at, Membership.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def unacknowledged(self) -> list[Membership]:
        """Open stays whose rules are not acknowledged yet: the newcomers a policy holds."""
        stmt = (
            select(Membership)
            .where(Membership.left_at.is_(None), Membership.acknowledged_rules_at.is_(None))
            .order_by(Membership.chat_id, Membership.id)
        )
        return list((await self.session.execute(stmt)).scalars())
