"""Always-there commands: a liveness check and the list of commands."""

from __future__ import annotations

from adapters.base import Button, Event, Keyboard, MessengerAdapter
from bot.filters import Command, Payload
from bot.i18n import Texts
from bot.router import Router

__all__ = ["build"]


def build() -> Router:
    """The basic router; a new one each time, because a router joins one tree only."""
    router = Router(name="basic")
    router.message(Command("ping", "пинг"))(ping)
    router.button(Payload(cmd="ping_ok"))(ping_pressed)
    router.message(Command("help", "помощь"))(help_)
    return router


async def ping(event: Event, adapter: MessengerAdapter, texts: Texts) -> None:
    """Answers with a button, so a person can check both directions at once."""
    keyboard = Keyboard.of([Button(texts.t("common.button_ok"), {"cmd": "ping_ok"}, "positive")])
    await adapter.send_message(
        event.chat_id, texts.t("common.pong"), keyboard=keyboard, reply_to=event.message_id
    )


async def ping_pressed(event: Event, adapter: MessengerAdapter, texts: Texts) -> None:
    await adapter.answer_button(event, texts.t("common.button_ok"))


async def help_(event: Event, adapter: MessengerAdapter, texts: Texts) -> None:
    await adapter.send_message(event.chat_id, f"{texts.t('help.title')}\n{texts.t('help.chat')}")
