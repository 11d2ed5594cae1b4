"""Apologies, the objection window and `/мой_статус` (regulation point 6, issue [5/11]).

Thin: each handler hands the event to `services.consent`. `/извиниться` and
`/мой_статус` work in a private message; written in a chat they get their usage
line, which says so. Button answers go to the presser alone.
"""

from __future__ import annotations

from adapters.base import Event, MessengerAdapter
from bot.filters import Command, Payload
from bot.filters.command import CommandObject
from bot.moderation import command_spec
from bot.router import Router
from bot.services import ModerationServices
from bot.services.consent_common import APOLOGIZE, CONFIRM, OBJECT, OPEN, REJECT

__all__ = ["build"]


def _names(key: str) -> tuple[str, ...]:
    spec = command_spec(key)
    assert spec is not None
    return spec.names


def build() -> Router:
    router = Router(name="consent")
    router.message(Command(*_names("apologize")))(apologize)
    router.message(Command(*_names("mystatus")))(my_status)
    router.button(Payload(cmd=APOLOGIZE))(apologize_pressed)
    router.button(Payload(cmd=OPEN))(open_pressed)
    router.button(Payload(cmd=REJECT))(reject_pressed)
    router.button(Payload(cmd=OBJECT))(object_pressed)
    router.button(Payload(cmd=CONFIRM))(confirm_pressed)
    return router


async def apologize(event: Event, command: CommandObject, services: ModerationServices) -> None:
    m = services.m
    if not event.is_private:
        await m.answer(event, m.formats.t("usage.apologize"), "usage")
    elif not command.args:
        async with m.deciding(event.key) as ledger:
            await ledger.private("usage", event.user_id, m.formats.t("usage.apologize"))
    else:
        await services.consent.apologies.apologize(event, command.args)


async def my_status(event: Event, services: ModerationServices) -> None:
    if not event.is_private:
        await services.m.answer(event, services.m.formats.t("usage.mystatus"), "usage")
    else:
        await services.consent.my_status(event)


async def apologize_pressed(
    event: Event, services: ModerationServices, adapter: MessengerAdapter
) -> None:
    await adapter.answer_button(event, await services.consent.apologies.apologize_pressed(event))


async def open_pressed(
    event: Event, services: ModerationServices, adapter: MessengerAdapter
) -> None:
    await adapter.answer_button(event, await services.consent.apologies.open_pressed(event))


async def reject_pressed(
    event: Event, services: ModerationServices, adapter: MessengerAdapter
) -> None:
    await adapter.answer_button(event, await services.consent.apologies.reject_pressed(event))


async def object_pressed(
    event: Event, services: ModerationServices, adapter: MessengerAdapter
) -> None:
    await adapter.answer_button(event, await services.consent.windows.object(event))


async def confirm_pressed(
    event: Event, services: ModerationServices, adapter: MessengerAdapter
) -> None:
    await adapter.answer_button(event, await services.consent.windows.confirm(event))
