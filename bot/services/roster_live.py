"""Who is really in the chats a roster plan touches, asked of the platform at plan time.

The members the bot stored come only from join events it saw, so a student who was
in a chat before the bot started watching is not among them. A plan therefore
reads the live member list of every chat it would remove someone from
(`list_members`) and plans removals only for people who are there. A chat whose
list cannot be read (the bot is not an admin, the platform fails, a chat on
another platform) keeps every removal: the platform answers "already gone" for
someone who left, which counts as done. Such chats are named in the plan
(`SyncPlan.unverified`), so the administrator sees which removals are unchecked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from adapters.base import MessengerAdapter
from bot.moderation.roster import ChatInfo, SyncPlan

__all__ = ["LIST_TIMEOUT", "live_members", "plan_live"]

log = logging.getLogger("etiket.roster")

LIST_TIMEOUT = 30.0
"""Seconds to wait for one chat's member list before planning without it."""

Planner = Callable[[Mapping[int, frozenset[str]]], SyncPlan]


async def live_members(
    adapter: MessengerAdapter | None, chats: Iterable[ChatInfo]
) -> dict[int, frozenset[str]]:
    """The member ids of each chat whose list could be read; the others are missing."""
    chats = list(chats)
    if adapter is None:
        return {}

    async def one(chat: ChatInfo) -> tuple[int, frozenset[str] | None]:
        if chat.platform != adapter.platform:
            return chat.id, None
        try:
            listed = await asyncio.wait_for(
                adapter.list_members(chat.platform_chat_id), LIST_TIMEOUT
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # not an admin, a timeout, an outage: plan without it
            log.warning("cannot list the members of chat %s: %r", chat.platform_chat_id, exc)
            return chat.id, None
        return chat.id, frozenset(m.user_id for m in listed)

    found = await asyncio.gather(*(one(c) for c in chats))
    return {chat_id: users for chat_id, users in found if users is not None}


async def plan_live(
    adapter: MessengerAdapter | None, chats: Iterable[ChatInfo], planner: Planner
) -> SyncPlan:
    """`planner(members)` with the live members of the chats its removals touch.

    A first pass with no members known gives every removal the rules call for; the
    chats of those are read, and the second pass keeps removals of people present
    there and all removals in chats that could not be read.
    """
    draft = planner({})
    involved = {r.chat_id for r in draft.removals}
    if not involved:
        return draft
    members = await live_members(adapter, [c for c in chats if c.id in involved])
    plan = planner(members)
    unverified = sorted({r.chat_id for r in plan.removals if r.chat_id not in members})
    return replace(plan, unverified=tuple(unverified))
