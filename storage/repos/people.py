"""The roster: people by roster id or platform account, and family links."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FamilyLink, Person
from storage.repos._upsert import insert_for

__all__ = ["People"]

_ACCOUNT_COLUMNS = {"vk": Person.vk_user_id, "max": Person.max_user_id}


class People:
    """Roster people in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, person_id: str) -> Person | None:
        return await self.session.get(Person, person_id)

    async def save(self, person: Person) -> Person:
        """Insert or update by `person_id` (roster import runs this for every row)."""
        merged = await self.session.merge(person)
        await self.session.flush()
        return merged

    async def by_account(self, platform: str, user_id: str) -> Person | None:
        """The roster person behind a platform account (`vk` or `max`), if known."""
        column = _ACCOUNT_COLUMNS.get(platform)
        if column is None:
            raise ValueError(f"unknown platform {platform!r}")
        stmt = select(Person).where(column == user_id).limit(1)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def link_family(self, parent_id: str, child_id: str) -> None:
        stmt = insert_for(self.session, FamilyLink).values(parent_id=parent_id, child_id=child_id)
        await self.session.execute(stmt.on_conflict_do_nothing())

    async def children(self, parent_id: str) -> list[Person]:
        stmt = (
            select(Person)
            .join(FamilyLink, FamilyLink.child_id == Person.person_id)
            .where(FamilyLink.parent_id == parent_id)
            .order_by(Person.person_id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def parents(self, child_id: str) -> list[Person]:
        stmt = (
            select(Person)
            .join(FamilyLink, FamilyLink.parent_id == Person.person_id)
            .where(FamilyLink.child_id == child_id)
            .order_by(Person.person_id)
        )
        return list((await self.session.execute(stmt)).scalars())
