"""Early unblock with the chat's consent, and self-service status (issue [5/11]).

Regulation point 6: a blocked person apologises (`Apologies`), the chat gets an
objection window (`Windows`), and the block is lifted early only if nobody eligible
objects. `Status` answers `/мой_статус`. `Consent` wires them to `Blocking`: the
block's private notice with "Принести извинения" (and the parents' notices) is a
`Blocking.on_block` hook, and `/разблок` consults the block's latest window.
"""

from __future__ import annotations

from adapters.base import Event
from bot.services.apologies import Apologies
from bot.services.base import Moderation
from bot.services.blocking import Blocking
from bot.services.consent_windows import Windows
from bot.services.status import Status

__all__ = ["Consent"]


class Consent:
    def __init__(self, m: Moderation, blocking: Blocking) -> None:
        self.m = m
        self.windows = Windows(m, blocking)
        self.apologies = Apologies(m, self.windows)
        self.status = Status(m)
        blocking.on_block.append(self.apologies.block_started)

    async def rearm(self) -> int:
        """At start: re-arm the open windows' deadlines (the due ones close now)."""
        return await self.windows.rearm()

    async def my_status(self, event: Event) -> None:
        text = await self.status.of(event.user_id)
        async with self.m.deciding(event.key) as ledger:
            await ledger.private("status", event.user_id, text)
