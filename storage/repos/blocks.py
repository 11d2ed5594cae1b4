"""Blocks: who is muted or removed, until when, and which unblocks are still owed.

The database is the clock's source of truth: at start the scheduler re-arms a timer
for every `pending_ends` row, and `lift` is a conditional update so that of two
workers racing to unblock only one gets True and carries out the platform call.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Block, utcnow

__all__ = ["Blocks"]


class Blocks:
    """Blocks in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        chat_id: int,
        target_user_id: str,
        rule_code: str,
        *,
        ends_at: datetime,
        mode: str = "mute",
        starts_at: datetime | None = None,
        case_number: int | None = None,
    ) -> Block:
        block = Block(
            chat_id=chat_id,
            target_user_id=target_user_id,
            rule_code=rule_code,
            mode=mode,
            starts_at=starts_at or utcnow(),
            ends_at=ends_at,
            case_number=case_number,
        )
        self.session.add(block)
        await self.session.flush()
        return block

    async def get(self, block_id: int) -> Block | None:
        return await self.session.get(Block, block_id)

    async def active(
        self, chat_id: int, now: datetime, target_user_id: str | None = None
    ) -> list[Block]:
        """Blocks in force at `now` in a chat, optionally for one person."""
        stmt = select(Block).where(
            Block.chat_id == chat_id,
            Block.lifted_at.is_(None),
            Block.starts_at <= now,
            Block.ends_at > now,
        )
        if target_user_id is not None:
            stmt = stmt.where(Block.target_user_id == target_user_id)
        return list((await self.session.execute(stmt.order_by(Block.ends_at, Block.id))).scalars())

    async def pending_unblocks(self, now: datetime) -> list[Block]:
        """Blocks whose time is up but whose unblock has not been carried out yet."""
        stmt = (
            select(Block)
            .where(Block.lifted_at.is_(None), Block.ends_at <= now)
            .order_by(Block.ends_at, Block.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def pending_ends(self) -> list[Block]:
        """Every block not yet lifted, soonest end first: the timers to re-arm at start."""
        stmt = select(Block).where(Block.lifted_at.is_(None)).order_by(Block.ends_at, Block.id)
        return list((await self.session.execute(stmt)).scalars())

    async def lift(
        self, block_id: int, *, by: str, reason: str, at: datetime | None = None
    ) -> bool:
        """Mark a block lifted (early or on expiry); False if it already was."""
        stmt = (
            update(Block)
            .where(Block.id == block_id, Block.lifted_at.is_(None))
            .values(lifted_at=at or utcnow(), lifted_by=by, lift_reason=reason)
            .execution_options(synchronize_session="fetch")
        )
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))
