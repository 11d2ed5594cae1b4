"""Chats: found by platform and platform id, created on first sight, tagged.

`get_or_create` is an `INSERT ... ON CONFLICT DO NOTHING` followed by a select, so two
workers seeing a new chat at once end up with one row.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Chat, ChatCurator, ChatTag, utcnow
from storage.repos._upsert import insert_for

__all__ = ["Chats"]

_IN_CHUNK = 1000  # ids per `IN (...)`: well inside any driver's parameter limit


class Chats:
    """Chats, their tags and curators in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, chat_id: int) -> Chat | None:
        return await self.session.get(Chat, chat_id)

    async def find(self, platform: str, platform_chat_id: str) -> Chat | None:
        stmt = select(Chat).where(
            Chat.platform == platform, Chat.platform_chat_id == platform_chat_id
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_or_create(self, platform: str, platform_chat_id: str, *, title: str = "") -> Chat:
        chat = await self.find(platform, platform_chat_id)
        if chat is not None:
            return chat
        await self._create(platform, [platform_chat_id], title=title)
        chat = await self.find(platform, platform_chat_id)
        assert chat is not None  # inserted now or by a concurrent transaction
        return chat

    async def ids_of(self, platform: str, platform_chat_ids: Iterable[str]) -> dict[str, int]:
        """The rows' ids of these chats, creating the missing ones: a few statements in all."""
        wanted = sorted(set(platform_chat_ids))
        found = await self._ids(platform, wanted)
        missing = [c for c in wanted if c not in found]
        if missing:
            await self._create(platform, missing)
            found.update(await self._ids(platform, missing))
        return found

    async def _create(self, platform: str, platform_chat_ids: list[str], title: str = "") -> None:
        """New chat rows; one that a concurrent transaction created first is left as it is."""
        now = utcnow()
        stmt = insert_for(self.session, Chat).on_conflict_do_nothing()
        rows = [
            {
                "platform": platform,
                "platform_chat_id": c,
                "title": title,
                "bot_is_admin": False,
                "created_at": now,
            }
            for c in platform_chat_ids
        ]
        await self.session.execute(stmt, rows)

    async def _ids(self, platform: str, platform_chat_ids: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(platform_chat_ids), _IN_CHUNK):
            chunk = platform_chat_ids[start : start + _IN_CHUNK]
            stmt = select(Chat.platform_chat_id, Chat.id).where(
                Chat.platform == platform, Chat.platform_chat_id.in_(chunk)
            )
            found.update({c: i for c, i in (await self.session.execute(stmt)).all()})
        return found

    async def set_tags(self, chat: Chat, tags: Iterable[str]) -> None:
        """Make the chat's tags exactly `tags` (order and duplicates ignored)."""
        wanted = set(tags)
        chat.tags = [t for t in chat.tags if t.tag in wanted] + [
            ChatTag(tag=tag) for tag in sorted(wanted - set(chat.tag_names))
        ]
        await self.session.flush()

    async def with_tag(self, tag: str) -> list[Chat]:
        """Chats carrying `tag`: where an announcement for that tag goes."""
        stmt = select(Chat).join(ChatTag).where(ChatTag.tag == tag).order_by(Chat.id)
        return list((await self.session.execute(stmt)).scalars())

    async def add_curator(self, chat_id: int, person_id: str) -> None:
        stmt = insert_for(self.session, ChatCurator).values(chat_id=chat_id, person_id=person_id)
        await self.session.execute(stmt.on_conflict_do_nothing())

    async def curators(self, chat_id: int) -> list[str]:
        """Roster ids of the people notified about moderation in the chat."""
        stmt = (
            select(ChatCurator.person_id)
            .where(ChatCurator.chat_id == chat_id)
            .order_by(ChatCurator.person_id)
        )
        return list((await self.session.execute(stmt)).scalars())
