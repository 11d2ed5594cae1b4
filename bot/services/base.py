"""What every moderation service shares: storage, the platform, the clock, the texts.

`deciding(key)` is the unit of a decision: one transaction for the sanction, its
audit row and its outbox rows, and a kick of the action runner once it commits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from adapters.base import Event, MessengerAdapter
from bot.actions import ActionRunner, Handover
from bot.clock import Clock
from bot.moderation import Actor, Refusal
from bot.services.formats import Formats
from bot.services.ledger import Ledger
from bot.services.moderators import Moderators
from bot.services.regulation import Regulation
from bot.services.restrictions import Restrictions
from bot.timers import Timers
from storage import Database
from storage.repos.outbox import UNCLAIMED
from storage.state import EphemeralState

__all__ = ["Moderation"]


@dataclass
class Moderation:
    """The dependencies of the moderation services, built once by `bot.app`."""

    db: Database
    adapter: MessengerAdapter
    state: EphemeralState
    clock: Clock
    formats: Formats
    regulation: Regulation
    moderators: Moderators
    restrictions: Restrictions
    timers: Timers
    actions: ActionRunner

    @property
    def platform(self) -> str:
        return self.adapter.platform

    @asynccontextmanager
    async def deciding(self, key: str) -> AsyncIterator[Ledger]:
        """A transaction for one decision; the platform calls run after it commits.

        The ledger's calls are claimed as they are queued and handed to the action
        runner on commit; a row queued unclaimed (a replay's, or another repository's)
        wakes the runner to claim it as before.
        """
        handover = self.actions.handover()
        async with self.db.transaction() as session:
            session.info[Handover.KEY] = handover
            yield Ledger(session, self.platform, key)
        info = session.info
        info.pop(Handover.KEY, None)
        self.actions.hand(handover.actions)
        if info.pop(UNCLAIMED, False):
            self.actions.kick()

    async def name(self, chat_id: str, user_id: str) -> str:
        fallback = self.formats.t("people.fallback", user_id=user_id)
        return await self.moderators.name(chat_id, user_id, fallback)

    async def answer(self, event: Event, text: str, name: str = "answer") -> None:
        """Reply in the chat through the outbox, once per event even if it is replayed."""
        async with self.deciding(event.key) as ledger:
            await ledger.send(name, event.chat_id, text, reply_to=event.message_id)

    async def deny(
        self, event: Event, refusal: Refusal, *, target: str | None = None, rule_code: str = ""
    ) -> None:
        """Say why a command is refused, and record the refusal (action `denied`)."""
        now = self.clock.now()
        async with self.deciding(event.key) as ledger:
            chat = await ledger.chat(event.chat_id)
            record = await ledger.record(
                "denied",
                Actor.person(event.user_id),
                chat.id,
                at=now,
                target=target,
                rule_code=rule_code or None,
                reason=refusal.reason_key.value,
            )
            await ledger.send(
                "denied",
                event.chat_id,
                self.formats.refusal(refusal),
                audit_id=record.id,
                reply_to=event.message_id,
            )
