"""One person's record across the chats of a platform (issue [5/11]).

`/мой_статус` shows the asker their own strikes and blocks wherever the bot knows
them, `/извиниться` finds the block to apologise for, and the per-term cap on early
releases counts every chat: the cap is per person, not per chat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Block, Chat, Membership, Strike

__all__ = ["PersonRecord"]


class PersonRecord:
    """Read-only queries about `user_id` on `platform`, in the caller's transaction."""

    def __init__(self, session: AsyncSession, platform: str, user_id: str) -> None:
        self.session = session
        self.platform = platform
        self.user_id = user_id

    async def chats(self) -> list[Chat]:
        """Chats where the person is or was a member, or has a strike or a block."""
        ids = union(
            select(Membership.chat_id).where(Membership.user_id == self.user_id),
            select(Strike.chat_id).where(Strike.target_user_id == self.user_id),
            select(Block.chat_id).where(Block.target_user_id == self.user_id),
        ).subquery()
        stmt = (
            select(Chat)
            .where(Chat.platform == self.platform, Chat.id.in_(select(ids.c.chat_id)))
            .order_by(Chat.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def blocks_in_force(self, now: datetime) -> list[Block]:
        """Open blocks of the person that have not ended, newest first."""
        stmt = (
            select(Block)
            .join(Chat, Chat.id == Block.chat_id)
            .where(
                Chat.platform == self.platform,
                Block.target_user_id == self.user_id,
                Block.lifted_at.is_(None),
                Block.starts_at <= now,
                Block.ends_at > now,
            )
            .order_by(Block.starts_at.desc(), Block.id.desc())
        )
        return list((await self.session.execute(stmt)).scalars())

    async def early_releases(self) -> list[datetime]:
        """When the person's blocks were lifted before their end (consent or override)."""
        stmt = (
            select(Block.lifted_at)
            .join(Chat, Chat.id == Block.chat_id)
            .where(
                Chat.platform == self.platform,
                Block.target_user_id == self.user_id,
                Block.lifted_at.is_not(None),
                Block.lifted_at < Block.ends_at,
            )
        )
        return [at for at in (await self.session.execute(stmt)).scalars() if at is not None]
