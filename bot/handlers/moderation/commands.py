"""Moderator commands in a chat, and the one answer a failing command gets.

Whatever goes wrong inside a command, the chat sees one plain sentence from the
catalogue (`common.error`), never a traceback; the error is logged with the event.
A command nobody handles (a typo, `/пред` for `/предупредить`) is answered with
`common.unknown_command` when a moderator wrote it, or anyone in a private dialog;
students' slash-texts in a chat get no answer, so the bot cannot be made to chatter.
"""

from __future__ import annotations

import logging

from adapters.base import Event, EventKind
from bot.dispatcher import ErrorEvent
from bot.filters import Command
from bot.filters.command import parse_command
from bot.router import Router
from bot.services import COMMAND_NAMES, ModerationServices

__all__ = ["build", "build_fallback"]

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


def build_fallback() -> Router:
    """The last router of the tree: it sees only messages no other handler took."""
    router = Router(name="unknown_command")
    router.message(_unknown)(unknown_command)
    return router


def _unknown(event: Event) -> bool | dict[str, str]:
    """A slash command addressed to nobody else: `/name`, a letter first."""
    cmd = parse_command(event.text) if event.text.startswith("/") else None
    if cmd is None or cmd.mention or not cmd.name[:1].isalpha() or len(cmd.name) > 40:
        return False
    return {"unknown": cmd.name}


async def unknown_command(event: Event, unknown: str, services: ModerationServices) -> None:
    m = services.m
    if not event.is_private and not await m.moderators.is_moderator(event):
        return
    await m.answer(event, m.formats.t("common.unknown_command", name=unknown), "unknown")
