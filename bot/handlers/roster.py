"""`/выбыл <кто>` (`/depart`): mark one person departed, from a chat (regulation point 8).

An administrator (roster role) or a curator of the chat names the person; the bot
shows the same plan a sync would (the removals that follow, with the sibling and
staff rules) and a confirm button. Pressing it applies the plan and carries out the
removals; a second press finds the person already departed and does nothing.
"""

from __future__ import annotations

import re

from adapters.base import Button, Event, Keyboard, MessengerAdapter
from bot.filters import Command, Payload
from bot.filters.command import CommandObject
from bot.i18n import Texts
from bot.moderation.roster import RosterRow, SyncPlan, plan_departure
from bot.router import Router
from bot.services import roster as service
from bot.services.roster_live import plan_live
from bot.services.roster_removals import carry_out
from bot.services.roster_text import render_plan
from storage import Database

__all__ = ["build"]

_MENTION = re.compile(r"^\[?(?:id)?(\d+)(?:\|[^\]]*\])?$")


def build() -> Router:
    router = Router(name="roster")
    router.message(Command("выбыл", "depart"))(depart)
    router.button(Payload(cmd="roster_depart"))(confirmed)
    return router


def _find(people: tuple[RosterRow, ...], who: str, platform: str) -> list[RosterRow]:
    who = who.strip().lstrip("@")
    exact = [p for p in people if p.person_id == who]
    if exact:
        return exact
    account = _MENTION.match(who)
    if account:
        return [p for p in people if p.account(platform) == account.group(1)]
    return [p for p in people if p.full_name.casefold() == who.casefold()]


async def _plan(adapter: MessengerAdapter, state: service.RosterState, person_id: str) -> SyncPlan:
    """The departure's plan against the chats' live member lists (`roster_live`)."""
    return await plan_live(
        adapter,
        state.chats,
        lambda members: plan_departure(state.people, person_id, state.chats, members),
    )


async def _allowed(db: Database, event: Event) -> bool:
    """A school administrator, or a curator whose class or chats include this chat."""
    async with db.transaction() as session:
        state = await service.load_state(session)
    actor = next((p for p in state.people if p.account(event.platform) == event.user_id), None)
    chat = next((c for c in state.chats if c.platform_chat_id == event.chat_id), None)
    if actor is None or not actor.active:
        return False
    if actor.role == "administrator":
        return True
    if actor.role != "curator" or chat is None:
        return False
    return chat.has_class(actor.class_name or "") or any(chat.matches_ref(r) for r in actor.chats)


async def depart(
    event: Event, adapter: MessengerAdapter, texts: Texts, db: Database, command: CommandObject
) -> None:
    async def say(text: str, keyboard: Keyboard | None = None) -> None:
        await adapter.send_message(
            event.chat_id, text, keyboard=keyboard, reply_to=event.message_id
        )

    if not command.args.strip():
        return await say(texts.t("roster.depart_usage"))
    if not await _allowed(db, event):
        return await say(texts.t("roster.depart_not_allowed"))
    async with db.transaction() as session:
        state = await service.load_state(session)
    found = _find(state.people, command.args, event.platform)
    if not found:
        return await say(texts.t("roster.depart_not_found", who=command.args.strip()))
    if len(found) > 1:
        names = ", ".join(f"{p.full_name} ({p.person_id})" for p in found)
        return await say(texts.t("roster.depart_ambiguous", who=command.args.strip(), names=names))
    person = found[0]
    if not person.active:
        return await say(texts.t("roster.depart_already", name=person.full_name))
    plan = await _plan(adapter, state, person.person_id)
    button = Button(
        texts.t("roster.depart_confirm"),
        {"cmd": "roster_depart", "p": person.person_id},
        "negative",
    )
    await say("\n".join(render_plan(plan, texts)), Keyboard.of([button]))


async def confirmed(event: Event, adapter: MessengerAdapter, texts: Texts, db: Database) -> None:
    if not await _allowed(db, event):
        return await adapter.answer_button(event, texts.t("roster.depart_not_allowed"))
    await adapter.answer_button(event)
    person_id = str(event.payload.get("p", ""))
    async with db.transaction() as session:
        state = await service.load_state(session)
    person = next((p for p in state.people if p.person_id == person_id), None)
    if person is None or not person.active:
        return None
    plan = await _plan(adapter, state, person_id)
    sync = service.sync_id(plan.roster, salt=f"depart:{event.chat_id}:{event.message_id}")
    await service.apply_plan(db, plan, sync, actor_id=event.user_id)
    results = await carry_out(db, adapter, f"{service.KEY_PREFIX}{sync}:", give_up_after=60)
    done = sum(r.status == "done" for r in results)
    failed = sum(r.status == "failed" for r in results)
    text = texts.t("roster.depart_done", name=person.full_name, done=done, failed=failed)
    await adapter.send_message(event.chat_id, text)
    return None
