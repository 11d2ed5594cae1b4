"""Automatic checks of chat messages and the curators' buttons (issue [6/11]).

The check sees every chat message first and then passes it on (`SkipHandler`), so
commands and other handlers still get it; a failing check is logged and never keeps
a command from running.
"""

from __future__ import annotations

import asyncio
import logging

from adapters.base import Event, MessengerAdapter
from bot.filters import ChatOnly, Payload
from bot.router import Router, SkipHandler
from bot.services import ModerationServices
from bot.services.curators import CURATOR_WARNING, REVIEW
from bot.unavailable import is_unavailable

__all__ = ["build"]

log = logging.getLogger("etiket.handlers.detection")


def build() -> Router:
    router = Router(name="detection")
    router.message(ChatOnly())(check)
    router.message_edited(ChatOnly())(check)
    router.button(Payload(cmd=REVIEW))(review_pressed)
    router.button(Payload(cmd=CURATOR_WARNING))(warning_pressed)
    return router


async def check(event: Event, services: ModerationServices) -> None:
    try:
        await services.detection.check(event)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        if is_unavailable(exc):
            raise  # the event waits for the database, it is not skipped (issue [11/11])
        log.exception("checking message %s failed", event.key)
    raise SkipHandler


async def review_pressed(
    event: Event, services: ModerationServices, adapter: MessengerAdapter
) -> None:
    await adapter.answer_button(event, await services.review.finding_pressed(event))


async def warning_pressed(
    event: Event, services: ModerationServices, adapter: MessengerAdapter
) -> None:
    await adapter.answer_button(event, await services.review.warning_pressed(event))
