"""Strikes (warnings): the active count is always computed from rows at a moment.

Regulation point 5 ("more than three times") is decided from `active`, so a voided or
expired warning simply stops counting; nothing is decremented.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from storage.models import Strike, utcnow

__all__ = ["Strikes"]


def _in_force(now: datetime) -> ColumnElement[bool]:
    return (
        Strike.voided_at.is_(None)
        & (Strike.created_at <= now)
        & or_(Strike.expires_at.is_(None), Strike.expires_at > now)
    )


class Strikes:
    """Warnings in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        chat_id: int,
        target_user_id: str,
        rule_code: str,
        *,
        rule_version: str = "",
        weight: int = 1,
        case_number: int | None = None,
        created_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> Strike:
        strike = Strike(
            chat_id=chat_id,
            target_user_id=target_user_id,
            rule_code=rule_code,
            rule_version=rule_version,
            weight=weight,
            case_number=case_number,
            created_at=created_at or utcnow(),
            expires_at=expires_at,
        )
        self.session.add(strike)
        await self.session.flush()
        return strike

    async def get(self, strike_id: int) -> Strike | None:
        return await self.session.get(Strike, strike_id)

    async def void(
        self, strike_id: int, *, by: str, reason: str, at: datetime | None = None
    ) -> bool:
        """Withdraw a warning; False if it was already voided (or does not exist)."""
        stmt = (
            update(Strike)
            .where(Strike.id == strike_id, Strike.voided_at.is_(None))
            .values(voided_at=at or utcnow(), voided_by=by, void_reason=reason)
            .execution_options(synchronize_session="fetch")
        )
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def active(self, chat_id: int, target_user_id: str, now: datetime) -> list[Strike]:
        """Warnings that count at `now`: not voided, created by then, not yet expired."""
        stmt = (
            select(Strike)
            .where(
                Strike.chat_id == chat_id,
                Strike.target_user_id == target_user_id,
                _in_force(now),
            )
            .order_by(Strike.created_at, Strike.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def active_weight(self, chat_id: int, target_user_id: str, now: datetime) -> int:
        """The sum of the weights of `active` warnings: the number point 5 compares."""
        stmt = select(func.coalesce(func.sum(Strike.weight), 0)).where(
            Strike.chat_id == chat_id,
            Strike.target_user_id == target_user_id,
            _in_force(now),
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def history(self, chat_id: int, target_user_id: str) -> list[Strike]:
        """Every warning ever given, voided and expired included, oldest first."""
        stmt = (
            select(Strike)
            .where(Strike.chat_id == chat_id, Strike.target_user_id == target_user_id)
            .order_by(Strike.created_at, Strike.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def by_case(self, chat_id: int, case_number: int) -> Strike | None:
        """The warning recorded under a case number (what `/снять <номер>` names)."""
        stmt = select(Strike).where(Strike.chat_id == chat_id, Strike.case_number == case_number)
        return (await self.session.execute(stmt.limit(1))).scalar_one_or_none()

    async def active_in_chat(self, chat_id: int, now: datetime) -> list[Strike]:
        """Every warning that counts at `now` in a chat, oldest first (`/преды`)."""
        stmt = (
            select(Strike)
            .where(Strike.chat_id == chat_id, _in_force(now))
            .order_by(Strike.created_at, Strike.id)
        )
        return list((await self.session.execute(stmt)).scalars())
