"""Deleting what a muted person or a held newcomer writes, before any handler runs.

Regulation point 5 (mute: "their messages are deleted while blocked") and point 3
(policy `hold_newcomers`). The check (`Restrictions`) is in memory or one Redis
MGET, never the database, so a muted person's message is queued for deletion
within the same event-loop turn; the deletion goes through the outbox like every
platform call.
"""

from __future__ import annotations

from adapters.base import Event
from bot.services.base import Moderation

__all__ = ["Guard"]

HELD_NOTE_EVERY = 600.0  # seconds: one private note per newcomer and chat, not one per message


class Guard:
    def __init__(self, m: Moderation) -> None:
        self.m = m

    async def stopped(self, event: Event) -> bool:
        """True when the message was someone's who may not write now (and is being deleted)."""
        if event.is_private or not event.message_id:
            return False
        m, key = self.m, (event.platform, event.chat_id, event.user_id)
        standing = await m.restrictions.of(*key, m.clock.now())
        if standing.muted:
            async with m.deciding(event.key) as ledger:
                await ledger.delete("muted", event.chat_id, [event.message_id])
            return True
        if standing.held:
            note = await m.state.remember(f"held-note:{':'.join(key)}", HELD_NOTE_EVERY)
            async with m.deciding(event.key) as ledger:
                await ledger.delete("held", event.chat_id, [event.message_id])
                if note:
                    await ledger.private(
                        "held:note", event.user_id, m.formats.t("joining.held_note")
                    )
            return True
        return False
