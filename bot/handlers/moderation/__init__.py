"""The regulation's handlers (issue [4/11]): commands, joins and leaves, buttons.

Each handler hands its event to `services` (`bot.services.ModerationServices`);
`middlewares` holds the outer middlewares `bot.app` installs on the dispatcher.
"""

from __future__ import annotations

from bot.handlers.moderation import buttons, commands, members
from bot.handlers.moderation.commands import build_fallback
from bot.handlers.moderation.middlewares import ChatsOnSight, StopMuted
from bot.router import Router

__all__ = ["ChatsOnSight", "StopMuted", "build", "build_fallback"]


def build() -> Router:
    router = Router(name="moderation")
    router.include_router(commands.build())
    router.include_router(members.build())
    router.include_router(buttons.build())
    return router
