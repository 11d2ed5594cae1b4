"""Joins, leaves and the bot's own arrival (regulation points 2 and 3)."""

from __future__ import annotations

from adapters.base import Event
from bot.router import Router
from bot.services import ModerationServices

__all__ = ["build"]


def build() -> Router:
    router = Router(name="moderation.members")
    router.member_joined()(member_joined)
    router.member_left()(member_left)
    router.bot_added()(bot_added)
    return router


async def member_joined(event: Event, services: ModerationServices) -> None:
    await services.members.joined(event)


async def member_left(event: Event, services: ModerationServices) -> None:
    await services.members.left(event)


async def bot_added(event: Event, services: ModerationServices) -> None:
    await services.members.bot_added(event)
