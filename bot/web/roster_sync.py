"""The latest roster sync as the roster page shows it: its plan and its results.

`bot.services.roster.apply_plan` stores each applied plan as a `roster_syncs` row
(migration 0007) and, per removal, an outbox `remove` row keyed
`roster:<sync id>:<chat>:<user>` (a retry adds `<key>#r<n>`). The page shows the
newest stored plan section by section (departures, arrivals, class moves, retags,
removals), each removal with its latest attempt's outcome (pending, done, failed
with the platform's error).

Syncs applied before 0007 stored no plan, only an audit row per removal (action
`departure_removal`); while no plan is stored, the newest of those is shown,
removals only, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Texts
from bot.services.roster import DEPARTURE_ACTION, KEY_PREFIX
from bot.web.render import when
from storage.models import AuditRecord, Chat, Person, PlatformAction, RosterSync

__all__ = ["PlannedRemoval", "SyncView", "latest_sync"]


@dataclass(frozen=True, slots=True)
class PlannedRemoval:
    chat: str
    user_id: str
    name: str
    reason: str
    status: str  # pending, done, failed
    error: str
    attempts: int


@dataclass(frozen=True, slots=True)
class SyncView:
    """One sync; the plan's sections are its JSON items (people, moves, retags)."""

    sync_id: str
    applied_at: str
    removals: list[PlannedRemoval]
    stored: bool = True
    """False for a sync from before migration 0007: its removals are all there is."""
    actor: str = ""
    departures: list[dict[str, Any]] = field(default_factory=list)
    arrivals: list[dict[str, Any]] = field(default_factory=list)
    class_changes: list[dict[str, Any]] = field(default_factory=list)
    retags: list[dict[str, Any]] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.removals)

    @property
    def empty(self) -> bool:
        sections = (self.departures, self.arrivals, self.class_changes, self.retags)
        return not (self.removals or any(sections))


Attempts = dict[str, tuple[PlatformAction, int]]


async def _attempts(session: AsyncSession, sync: str) -> Attempts:
    """Each removal key's latest outbox row and how many attempts it took."""
    prefix = f"{KEY_PREFIX}{sync}:"
    stmt = select(PlatformAction).where(
        PlatformAction.key.startswith(prefix, autoescape=True), PlatformAction.kind == "remove"
    )
    found: Attempts = {}
    for row in (await session.execute(stmt.order_by(PlatformAction.id))).scalars():
        base = row.key.partition("#")[0]
        found[base] = (row, found.get(base, (row, 0))[1] + 1)
    return found


def _outcome(attempts: Attempts, key: str) -> tuple[str, str, int]:
    if key not in attempts:
        return "pending", "", 0
    act, tries = attempts[key]
    return act.status, act.error or "", tries


async def _chats(session: AsyncSession, ids: set[int]) -> dict[int, Chat]:
    stmt = select(Chat).where(Chat.id.in_(sorted(ids)))
    return {c.id: c for c in (await session.execute(stmt)).scalars()}


def _title(chat: Chat | None, fallback: Any) -> str:
    return (chat.title or chat.platform_chat_id) if chat is not None else str(fallback)


def _reason(texts: Texts, code: str, because: str) -> str:
    try:
        return texts.t(f"roster.reason_{code}", because=because)
    except KeyError:  # a reason this version does not know: shown as stored
        return code


async def latest_sync(session: AsyncSession, zone: str, texts: Texts) -> SyncView | None:
    stmt = select(RosterSync).order_by(RosterSync.id.desc()).limit(1)
    newest = (await session.execute(stmt)).scalar_one_or_none()
    if newest is None:
        return await _from_audit(session, zone)
    plan = newest.plan
    attempts = await _attempts(session, newest.sync_id)
    removals_raw = list(plan.get("removals", ()))
    retags_raw = list(plan.get("retags", ()))
    chats = await _chats(
        session, {int(r["chat_id"]) for r in removals_raw + retags_raw if "chat_id" in r}
    )
    names = {p["person_id"]: p["full_name"] for p in plan.get("departures", ())}
    names.update({c["person_id"]: c["full_name"] for c in plan.get("class_changes", ())})
    removals = []
    for r in removals_raw:
        key = f"{KEY_PREFIX}{newest.sync_id}:{r['chat_id']}:{r['user_id']}"
        status, error, tries = _outcome(attempts, key)
        because = names.get(r.get("because", ""), r.get("because", ""))
        removals.append(
            PlannedRemoval(
                chat=_title(chats.get(r["chat_id"]), r.get("platform_chat_id", "")),
                user_id=str(r["user_id"]),
                name=str(r.get("full_name", "")),
                reason=_reason(texts, str(r.get("reason", "")), because),
                status=status,
                error=error,
                attempts=tries,
            )
        )
    retags = [{**t, "chat": _title(chats.get(t["chat_id"]), t["chat_id"])} for t in retags_raw]
    return SyncView(
        newest.sync_id,
        when(newest.applied_at, zone),
        removals,
        actor=await _actor(session, newest.actor_id),
        departures=list(plan.get("departures", ())),
        arrivals=list(plan.get("arrivals", ())),
        class_changes=list(plan.get("class_changes", ())),
        retags=retags,
        unverified=list(plan.get("unverified_chats", ())),
    )


async def _actor(session: AsyncSession, user_id: str | None) -> str:
    """Who applied it: the roster name of the platform account, with the account."""
    if not user_id:
        return ""
    stmt = select(Person.full_name).where(
        or_(Person.vk_user_id == user_id, Person.max_user_id == user_id)
    )
    name = (await session.execute(stmt.limit(1))).scalar_one_or_none()
    return f"{name} ({user_id})" if name else user_id


def _departures(prefix: str) -> Select[AuditRecord]:
    a = AuditRecord
    return select(a).where(
        a.action == DEPARTURE_ACTION, a.idempotency_key.startswith(prefix, autoescape=True)
    )


async def _from_audit(session: AsyncSession, zone: str) -> SyncView | None:
    """A sync from before migration 0007, read back from its removals' audit rows."""
    newest = (
        await session.execute(_departures(KEY_PREFIX).order_by(AuditRecord.id.desc()).limit(1))
    ).scalar_one_or_none()
    if newest is None or not newest.idempotency_key:
        return None
    sync = newest.idempotency_key.removeprefix(KEY_PREFIX).split(":", 1)[0]
    prefix = f"{KEY_PREFIX}{sync}:"
    records = list((await session.execute(_departures(prefix).order_by(AuditRecord.id))).scalars())
    attempts = await _attempts(session, sync)
    chats = await _chats(session, {r.chat_id for r in records if r.chat_id is not None})
    users = {r.target_user_id for r in records if r.target_user_id}
    people = (
        await session.execute(
            select(Person).where(or_(Person.vk_user_id.in_(users), Person.max_user_id.in_(users)))
        )
    ).scalars()
    names = {}
    for p in people:
        for platform, account in (("vk", p.vk_user_id), ("max", p.max_user_id)):
            if account:
                names[platform, account] = p.full_name
    removals = []
    for r in records:
        chat = chats.get(r.chat_id) if r.chat_id is not None else None
        user = r.target_user_id or ""
        status, error, tries = _outcome(attempts, r.idempotency_key or "")
        removals.append(
            PlannedRemoval(
                chat=_title(chat, ""),
                user_id=user,
                name=names.get((chat.platform, user), "") if chat is not None else "",
                reason=r.reason or "",
                status=status,
                error=error,
                attempts=tries,
            )
        )
    return SyncView(sync, when(records[0].created_at, zone), removals, stored=False)
