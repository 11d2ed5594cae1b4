"""Moderator commands in a chat, and the one answer a failing command gets.

Whatever goes wrong inside a command, the chat sees one plain sentence from the
catalogue (`common.error`), never a traceback; the error is logged with the event.
"""

from __future__ import annotations

import logging

from adapters.base import Event, EventKind
from bot.dispatcher import ErrorEvent
from bot.filters import Command
from bot.router import Router
from bot.services import COMMAND_NAMES, ModerationServices

__all__ = ["build"]

log = logging.getLogger("etiket.handlers.moderation")


def build() -> Router:
    router = Router(name="moderation.commands")
    router.message(Command(*COMMAND_NAMES))(moderation_command)
    router.error()(command_failed)
    return router


async def moderation_command(event: Event, services: ModerationServices) -> None:
    await services.commands.handle(event)


async def command_failed(event: ErrorEvent, services: ModerationServices) -> None:
    source = event.event
    log.error("handling %s failed: %r", source.key, event.exception, exc_info=event.exception)
    if source.kind is EventKind.MESSAGE and not source.is_private and source.text.startswith("/"):
        await services.m.answer(source, services.m.formats.t("common.error"), "error")
