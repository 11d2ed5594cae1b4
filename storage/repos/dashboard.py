"""Dashboard accounts, sign-in failures, sessions and the weekly message counter.

`count_message` is what the bot calls for every message it sees: an upsert of one
counter, so usage can be reported while no text is ever stored (152-FZ).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Chat,
    ChatCurator,
    ChatTag,
    DashboardSession,
    DashboardUser,
    DashboardUserChat,
    DashboardUserClass,
    LoginFailure,
    MessageCount,
)
from storage.repos._upsert import insert_for

__all__ = ["DashboardUsers", "MessageCounts", "Sessions", "count_message", "week_of"]


def week_of(at: datetime) -> date:
    """The Monday (UTC) of the week `at` falls in: the key of `message_counts`."""
    day = at.date()
    return day - timedelta(days=day.weekday())


class MessageCounts:
    """The per-chat, per-week counter of messages seen."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, chat_id: int, at: datetime, n: int = 1) -> None:
        stmt = insert_for(self.session, MessageCount).values(
            chat_id=chat_id, week=week_of(at), count=n
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[MessageCount.chat_id, MessageCount.week],
            set_={"count": MessageCount.count + n},
        )
        await self.session.execute(stmt)

    async def add_many(self, counts: dict[int, int], at: datetime) -> None:
        """Add `counts` (chat row id -> messages) to `at`'s week in one batched upsert.

        One statement with lists of parameters: compiled once and cached, where a
        literal multi-row VALUES was compiled afresh for every length (48 ms of CPU for
        600 chats, a stall of the worker's event loop every flush; now 12 ms, in
        chunks that let other events through).
        """
        if not counts:
            return
        week = week_of(at)
        stmt = insert_for(self.session, MessageCount)
        stmt = stmt.on_conflict_do_update(
            index_elements=[MessageCount.chat_id, MessageCount.week],
            set_={"count": MessageCount.count + stmt.excluded.count},
        )
        rows = [  # one order: no deadlocks
            {"chat_id": chat_id, "week": week, "count": n} for chat_id, n in sorted(counts.items())
        ]
        for start in range(0, len(rows), 200):  # the loop serves others between chunks
            await self.session.execute(stmt, rows[start : start + 200])


async def count_message(session: AsyncSession, chat_id: int, at: datetime) -> None:
    """Count one message seen in `chat_id` at `at`; its text is not stored."""
    await MessageCounts(session).add(chat_id, at)


class DashboardUsers:
    """Accounts, their reach and the sign-in failure record."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_username(self, username: str) -> DashboardUser | None:
        stmt = select(DashboardUser).where(DashboardUser.username == username)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get(self, user_id: int) -> DashboardUser | None:
        return await self.session.get(DashboardUser, user_id)

    async def add(
        self,
        *,
        username: str,
        password_hash: str,
        role: str,
        display_name: str = "",
        school_id: int | None = None,
        person_id: str | None = None,
        chat_ids: Iterable[int] = (),
        class_tags: Iterable[str] = (),
    ) -> DashboardUser:
        user = DashboardUser(
            username=username,
            password_hash=password_hash,
            role=role,
            display_name=display_name,
            school_id=school_id,
            person_id=person_id,
        )
        self.session.add(user)
        await self.session.flush()
        self.session.add_all(DashboardUserChat(user_id=user.id, chat_id=c) for c in set(chat_ids))
        self.session.add_all(
            DashboardUserClass(user_id=user.id, class_tag=t) for t in set(class_tags)
        )
        await self.session.flush()
        return user

    async def visible_chat_ids(self, user: DashboardUser) -> set[int] | None:
        """The chats the account may see; None means every chat (a deployment's admin)."""
        if user.role == "administrator":
            if user.school_id is None:
                return None
            stmt = select(Chat.id).where(Chat.school_id == user.school_id)
            return set((await self.session.execute(stmt)).scalars())
        own = select(DashboardUserChat.chat_id).where(DashboardUserChat.user_id == user.id)
        tags = select(DashboardUserClass.class_tag).where(DashboardUserClass.user_id == user.id)
        by_tag = select(ChatTag.chat_id).where(ChatTag.tag.in_(tags))
        ids = set((await self.session.execute(own.union(by_tag))).scalars())
        if user.person_id is not None:
            curated = select(ChatCurator.chat_id).where(ChatCurator.person_id == user.person_id)
            ids |= set((await self.session.execute(curated)).scalars())
        return ids

    async def record_failure(self, username: str, at: datetime) -> int:
        """Record a failed sign-in; return the failures in the 15 minutes up to `at`."""
        self.session.add(LoginFailure(username=username, at=at))
        await self.session.flush()
        stmt = select(func.count()).where(
            LoginFailure.username == username, LoginFailure.at > at - timedelta(minutes=15)
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def clear_failures(self, username: str) -> None:
        await self.session.execute(delete(LoginFailure).where(LoginFailure.username == username))


class Sessions:
    """Server-side sessions keyed by the hash of the cookie token."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(
        self, token_hash: str, user_id: int, csrf_token: str, now: datetime, ttl: timedelta
    ) -> None:
        self.session.add(
            DashboardSession(
                token_hash=token_hash,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=now,
                expires_at=now + ttl,
            )
        )
        await self.session.flush()

    async def find(self, token_hash: str, now: datetime) -> DashboardSession | None:
        row = await self.session.get(DashboardSession, token_hash)
        if row is None or row.expires_at <= now:
            return None
        return row

    async def close(self, token_hash: str) -> None:
        stmt = delete(DashboardSession).where(DashboardSession.token_hash == token_hash)
        await self.session.execute(stmt)

    async def close_all(self, user_id: int) -> None:
        await self.session.execute(
            delete(DashboardSession).where(DashboardSession.user_id == user_id)
        )
