"""Who moderates a chat, by the platform's admin list and the school's roster.

Issue [4/11]: a moderator is a platform admin of the chat (the owner included) or a
person the roster lists as staff assigned to the chat. The roster's only staff role
today is `staff`; assignment to a chat is its curator list (`chat_curators`), so an
assigned staff member counts as the chat's curator. The platform's lists are asked
for at most once per `ttl` seconds per chat, since every command needs them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import Event, Member, MessengerAdapter
from adapters.errors import MessengerError
from bot.moderation import ActorFacts, is_moderator
from storage import Database
from storage.repos import Chats, People

__all__ = ["Moderators"]

log = logging.getLogger("etiket.moderators")

_ACCOUNT = {"vk": "vk_user_id", "max": "max_user_id"}


class Moderators:
    """Facts about people in chats; also the `moderators` dependency of `IsModerator`."""

    def __init__(
        self,
        adapter: MessengerAdapter,
        db: Database,
        *,
        ttl: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.adapter = adapter
        self.db = db
        self.ttl = ttl
        self.monotonic = monotonic
        self._admins: dict[str, tuple[float, dict[str, Member]]] = {}
        self._members: dict[str, tuple[float, dict[str, Member]]] = {}

    def forget(self, chat_id: str) -> None:
        """Drop what is cached about a chat (someone joined, left or changed rights)."""
        self._admins.pop(chat_id, None)
        self._members.pop(chat_id, None)

    async def admins(self, chat_id: str) -> dict[str, Member]:
        """The chat's human admins: bots (this one too) moderate nothing, get no notices."""
        if self.adapter.capabilities.admins_in_members:  # one call, cached once, for both
            people = await self.members(chat_id)
            found = {uid: m for uid, m in people.items() if m.is_admin or m.is_owner}
        else:
            found = await self._cached(self._admins, chat_id, self.adapter.list_admins)
        return {uid: m for uid, m in found.items() if not m.is_bot}

    async def members(self, chat_id: str) -> dict[str, Member]:
        return await self._cached(self._members, chat_id, self.adapter.list_members)

    async def _cached(
        self,
        cache: dict[str, tuple[float, dict[str, Member]]],
        chat_id: str,
        fetch: Callable[[str], Awaitable[list[Member]]],
    ) -> dict[str, Member]:
        now = self.monotonic()
        hit = cache.get(chat_id)
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            listed = await fetch(chat_id)
        except MessengerError as exc:  # not an admin: nobody counts as a platform admin
            log.warning("cannot list people of chat %s: %s", chat_id, exc)
            listed = []
        found = {m.user_id: m for m in listed}
        cache[chat_id] = (now + self.ttl, found)
        return found

    async def facts(
        self, platform: str, chat_id: str, user_id: str, session: AsyncSession | None = None
    ) -> ActorFacts:
        """What the platform and the roster say about `user_id` in this chat; the roster
        is read in `session` if given (a decision's), else in a transaction of its own."""
        member = (await self.admins(chat_id)).get(user_id)
        if platform not in _ACCOUNT:
            role, assigned = None, False
        elif session is None:
            async with self.db.transaction() as own:
                role, assigned = await self._roster(own, platform, chat_id, user_id)
        else:
            role, assigned = await self._roster(session, platform, chat_id, user_id)
        return ActorFacts(
            is_platform_admin=member is not None,
            is_owner=bool(member and member.is_owner),
            roster_role=role,
            assigned_to_chat=assigned,
        )

    async def _roster(
        self, session: AsyncSession, platform: str, chat_id: str, user_id: str
    ) -> tuple[str | None, bool]:
        person = await People(session).by_account(platform, user_id)
        if person is None or person.status != "active":
            return None, False
        chat = await Chats(session).find(platform, chat_id)
        assigned = chat is not None and person.person_id in await Chats(session).curators(chat.id)
        if person.role == "staff" and assigned:
            return "curator", True
        return person.role, assigned

    async def is_moderator(self, event: Event) -> bool:
        """For the `IsModerator` filter."""
        if event.is_private:
            return False
        return is_moderator(await self.facts(event.platform, event.chat_id, event.user_id))

    async def name(self, chat_id: str, user_id: str, fallback: str) -> str:
        """A person's display name in the chat, or `fallback` when the platform gives none."""
        member = (await self.members(chat_id)).get(user_id)
        return member.name if member is not None and member.name else fallback

    async def curator_accounts(self, platform: str, chat_id: str) -> list[str]:
        """Platform accounts of the chat's curators (who get private notices)."""
        column = _ACCOUNT.get(platform)
        if column is None:
            return []
        async with self.db.transaction() as session:
            chat = await Chats(session).find(platform, chat_id)
            ids = await Chats(session).curators(chat.id) if chat is not None else []
            people = [await People(session).get(pid) for pid in ids]
        return [str(getattr(p, column)) for p in people if p is not None and getattr(p, column)]

    async def notify_list(
        self, platform: str, chat_id: str, extra: Iterable[str | None] = ()
    ) -> list[str]:
        """The moderators to write to privately: `extra` (e.g. the acting moderator), the
        chat's curators and, failing both, its platform admins."""
        accounts = [a for a in extra if a] + await self.curator_accounts(platform, chat_id)
        if not accounts:
            accounts = list(await self.admins(chat_id))
        return list(dict.fromkeys(accounts))
