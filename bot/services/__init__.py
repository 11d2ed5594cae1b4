"""The glue between handlers, the moderation domain, storage and the outbox.

Handlers stay thin: they hand an event to a service here. A service reads what the
domain needs, asks the domain (`bot.moderation`) for a decision, and commits the
decision, its audit row and its platform calls in one transaction (`Ledger`); the
`ActionRunner` then carries the calls out. `build_services` wires them once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from bot.services.base import Moderation
from bot.services.blocking import Blocking
from bot.services.commands import COMMAND_NAMES, Commands
from bot.services.consent import Consent
from bot.services.curators import CuratorNotices
from bot.services.detection import Detection
from bot.services.digest import Digest
from bot.services.formats import Formats
from bot.services.guard import Guard
from bot.services.ledger import Ledger
from bot.services.members import ACKNOWLEDGE, Members
from bot.services.moderators import Moderators
from bot.services.notices import Notices
from bot.services.records import Records
from bot.services.regulation import Regulation
from bot.services.restrictions import Restrictions
from bot.services.review import Review
from bot.services.sanctions import Sanctions
from bot.services.seen import SeenCounter
from bot.services.warnings import PROPOSE_BLOCK, Warnings

__all__ = [
    "ACKNOWLEDGE",
    "COMMAND_NAMES",
    "PROPOSE_BLOCK",
    "Blocking",
    "Commands",
    "Consent",
    "CuratorNotices",
    "Detection",
    "Digest",
    "Formats",
    "Guard",
    "Ledger",
    "Members",
    "Moderation",
    "ModerationServices",
    "Moderators",
    "Notices",
    "Records",
    "Regulation",
    "Restrictions",
    "Review",
    "Sanctions",
    "Warnings",
    "build_services",
]


@dataclass
class ModerationServices:
    """Every service, sharing one `Moderation`; handlers ask for `services`."""

    m: Moderation
    blocking: Blocking
    warnings: Warnings
    commands: Commands
    members: Members
    guard: Guard
    notices: Notices
    consent: Consent
    detection: Detection  # issue [6/11]: automatic checks, review, curator notices
    review: Review
    digest: Digest

    schedule_at_start: bool = True
    """False in worker mode: the scheduler leader re-arms the timers (`bot.scale.leader`)."""

    async def start(self) -> None:
        """Load the mute map, start carrying out actions, re-arm block ends (the due
        ones run now), then start the timers' clock."""
        m = self.m
        await m.restrictions.load(m.db, m.regulation, m.clock.now())
        m.actions.start()
        self.detection.seen.start()
        if self.schedule_at_start:
            await self.rearm()
            m.timers.start()

    async def rearm(self) -> None:
        """Arm every timer the database calls for; the ones already due run now."""
        await self.blocking.rearm()
        await self.consent.rearm()
        await self.digest.start()

    async def stop(self) -> None:
        await self.detection.seen.stop()
        await self.m.timers.stop()
        await self.m.actions.stop()


def build_services(m: Moderation, digest_at: time = time(18, 0)) -> ModerationServices:
    blocking = Blocking(m)
    warnings = Warnings(m, blocking)
    sanctions = Sanctions(m)
    commands = Commands(m, warnings, blocking, sanctions, Records(m))
    curators = CuratorNotices(m)
    blocking.on_block.append(curators.blocked)
    sanctions.curators = curators
    detection = Detection(m, warnings, curators, SeenCounter(m.db, m.platform, m.clock))
    digest = Digest(m, digest_at)
    curators.on_sent = digest.ensure
    return ModerationServices(
        m, blocking, warnings, commands, Members(m), Guard(m), Notices(m), Consent(m, blocking),
        detection, Review(m, warnings, sanctions), digest,
    )  # fmt: skip
