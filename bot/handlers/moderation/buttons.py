"""Buttons: "Ознакомлен(а)" under the rules (point 3) and "block for N days" (point 5)."""

from __future__ import annotations

from adapters.base import Event, MessengerAdapter
from bot.filters import ChatOnly, Payload
from bot.router import Router
from bot.services import ACKNOWLEDGE, PROPOSE_BLOCK, ModerationServices

__all__ = ["build"]


def build() -> Router:
    router = Router(name="moderation.buttons")
    router.button(Payload(cmd=ACKNOWLEDGE), ChatOnly())(acknowledged)
    router.button(Payload(cmd=PROPOSE_BLOCK))(block_proposed)
    return router


async def acknowledged(event: Event, services: ModerationServices) -> None:
    await services.members.acknowledge(event)


async def block_proposed(
    event: Event, services: ModerationServices, adapter: MessengerAdapter
) -> None:
    await adapter.answer_button(event, await services.commands.proposal_pressed(event))
