"""The roster in storage: load it, import it, apply a sync plan (regulation point 8).

Applying a plan is one transaction: the roster changes, the chat retags, the plan
itself (a `roster_syncs` row, what the dashboard's roster page shows), and for each
removal an audit record (action `departure_removal`, rule "departure (regulation
point 8)": not a sanction, no strike) with its outbox `remove` row.
Outbox keys carry the sync id (a digest of the export), so a re-run of the same
sync queues nothing twice; `bot.services.roster_removals` carries them out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.moderation.roster import ChatInfo, RosterRow, SyncPlan
from storage import Database
from storage.models import Chat, FamilyLink, Membership, Person, PersonChat, RosterSync
from storage.repos import AuditLog, Chats, Outbox

__all__ = [
    "DEPARTURE_ACTION",
    "DEPARTURE_RULE",
    "KEY_PREFIX",
    "RosterState",
    "apply_plan",
    "import_rows",
    "load_state",
    "sync_id",
    "unknown_members",
]

DEPARTURE_ACTION = "departure_removal"
DEPARTURE_RULE = "departure"
DEPARTURE_REASON = "departure (regulation point 8)"
KEY_PREFIX = "roster:"


@dataclass(frozen=True, slots=True)
class RosterState:
    """The stored roster, the tagged chats and the members known per chat."""

    people: tuple[RosterRow, ...]
    chats: tuple[ChatInfo, ...]
    members: dict[int, frozenset[str]]


def sync_id(rows: Iterable[RosterRow], salt: str = "") -> str:
    """A digest of the export: the same file gives the same id, so the same outbox keys."""
    canonical = sorted((r.as_dict() for r in rows), key=lambda d: d["person_id"])
    blob = json.dumps([salt, canonical], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


async def load_state(session: AsyncSession) -> RosterState:
    people = list((await session.execute(select(Person).order_by(Person.person_id))).scalars())
    kids: dict[str, list[str]] = {}
    for link in (await session.execute(select(FamilyLink))).scalars():
        kids.setdefault(link.parent_id, []).append(link.child_id)
    refs: dict[str, list[str]] = {}
    for ref in (await session.execute(select(PersonChat))).scalars():
        refs.setdefault(ref.person_id, []).append(ref.ref)
    rows = tuple(
        RosterRow(
            p.person_id,
            p.full_name,
            p.role,
            p.class_name,
            p.status,
            p.vk_user_id,
            p.max_user_id,
            tuple(sorted(kids.get(p.person_id, ()))),
            tuple(sorted(refs.get(p.person_id, ()))),
        )
        for p in people
    )
    chats = tuple(
        ChatInfo(c.id, c.platform, c.platform_chat_id, c.title, frozenset(c.tag_names))
        for c in (await session.execute(select(Chat).order_by(Chat.id))).scalars()
    )
    members: dict[int, set[str]] = {}
    stmt = select(Membership.chat_id, Membership.user_id).where(Membership.left_at.is_(None))
    for chat_id, user_id in await session.execute(stmt):
        members.setdefault(chat_id, set()).add(user_id)
    return RosterState(rows, chats, {k: frozenset(v) for k, v in members.items()})


async def _write_people(session: AsyncSession, rows: Sequence[RosterRow]) -> None:
    """Upsert people first, then their links and chats (a link may name a later row)."""
    for r in rows:
        await session.merge(
            Person(
                person_id=r.person_id,
                full_name=r.full_name,
                role=r.role,
                class_name=r.class_name,
                status=r.status,
                vk_user_id=r.vk_user_id,
                max_user_id=r.max_user_id,
            )
        )
    await session.flush()
    ids = [r.person_id for r in rows]
    await session.execute(delete(FamilyLink).where(FamilyLink.parent_id.in_(ids)))
    await session.execute(delete(PersonChat).where(PersonChat.person_id.in_(ids)))
    session.add_all(
        FamilyLink(parent_id=r.person_id, child_id=c) for r in rows for c in r.parent_of
    )
    session.add_all(PersonChat(person_id=r.person_id, ref=ref) for r in rows for ref in r.chats)
    await session.flush()


async def import_rows(db: Database, rows: Sequence[RosterRow]) -> int:
    """`etiket roster import`: all rows or none, in one transaction."""
    async with db.transaction() as session:
        await _write_people(session, rows)
    return len(rows)


async def apply_plan(
    db: Database, plan: SyncPlan, sync: str, *, actor_id: str | None = None
) -> list[str]:
    """Write the plan and queue its removals; returns the outbox keys (new or already there)."""
    keys = []
    async with db.transaction() as session:
        await _write_people(session, plan.roster)
        session.add(RosterSync(sync_id=sync, actor_id=actor_id, plan=plan.as_dict()))
        chats, audit, outbox = Chats(session), AuditLog(session), Outbox(session)
        for retag in plan.retags:
            chat = await chats.get(retag.chat_id)
            if chat is not None:
                await chats.set_tags(chat, retag.new_tags)
        for r in plan.removals:
            key = f"{KEY_PREFIX}{sync}:{r.chat_id}:{r.user_id}"
            record = await audit.append(
                action=DEPARTURE_ACTION,
                actor_kind="person" if actor_id else "system",
                actor_id=actor_id,
                chat_id=r.chat_id,
                target_user_id=r.user_id,
                rule_code=DEPARTURE_RULE,
                reason=f"{DEPARTURE_REASON}: {r.reason} ({r.because})",
                idempotency_key=key,
            )
            params = {"chat_id": r.platform_chat_id, "user_id": r.user_id, "block": False}
            await outbox.add(
                key, platform=r.platform, kind="remove", params=params, audit_id=record.id
            )
            keys.append(key)
    return keys


def unknown_members(state: RosterState) -> list[tuple[str, str]]:
    """(platform chat id, user id) of chat members no roster person has as an account."""
    known = {(p, r.account(p)) for r in state.people for p in ("vk", "max")}
    return [
        (chat.platform_chat_id, user)
        for chat in state.chats
        for user in sorted(state.members.get(chat.id, ()))
        if (chat.platform, user) not in known
    ]
