"""Who may not write in a chat right now: muted people and held newcomers.

A mute (a block in `mute` mode, regulation point 5) deletes the person's new
messages "within one event loop turn", so the check must not touch the database on
every message: this is an in-memory map, loaded from the database at start (the
source of truth) and updated as blocks begin and end. Held newcomers (point 3,
policy `hold_newcomers`) are the people who joined and have not yet acknowledged
the rules.
"""

from __future__ import annotations

from datetime import datetime

from bot.services.regulation import Regulation
from storage import Database
from storage.repos import Blocks, Chats, Memberships

__all__ = ["Restrictions"]

Key = tuple[str, str, str]  # platform, chat id, user id (the platform's)


class Restrictions:
    """In-memory; one process serves a school (DESIGN.md), workers would share state."""

    def __init__(self) -> None:
        self._muted: dict[Key, datetime] = {}
        self._held: set[Key] = set()

    def mute(self, platform: str, chat_id: str, user_id: str, until: datetime) -> None:
        self._muted[(platform, chat_id, user_id)] = until

    def unmute(self, platform: str, chat_id: str, user_id: str) -> None:
        self._muted.pop((platform, chat_id, user_id), None)

    def is_muted(self, platform: str, chat_id: str, user_id: str, now: datetime) -> bool:
        until = self._muted.get((platform, chat_id, user_id))
        return until is not None and now < until

    def hold(self, platform: str, chat_id: str, user_id: str) -> None:
        self._held.add((platform, chat_id, user_id))

    def release(self, platform: str, chat_id: str, user_id: str) -> None:
        self._held.discard((platform, chat_id, user_id))

    def is_held(self, platform: str, chat_id: str, user_id: str) -> bool:
        return (platform, chat_id, user_id) in self._held

    async def load(self, db: Database, regulation: Regulation, now: datetime) -> None:
        """Rebuild from the database: open mute blocks in force, unacknowledged newcomers."""
        async with db.transaction() as session:
            chats = Chats(session)
            for block in await Blocks(session).pending_ends():
                chat = await chats.get(block.chat_id)
                if chat is not None and block.mode == "mute" and block.starts_at <= now:
                    self.mute(
                        chat.platform, chat.platform_chat_id, block.target_user_id, block.ends_at
                    )
            for stay in await Memberships(session).unacknowledged():
                chat = await chats.get(stay.chat_id)
                if chat is None:
                    continue
                policy = regulation.policy(chat.platform, chat.platform_chat_id)
                if policy.hold_newcomers:
                    self.hold(chat.platform, chat.platform_chat_id, stay.user_id)
