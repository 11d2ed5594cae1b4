"""Audit records as the log shows them: names, rule titles, local times, outcomes.

One query per kind of thing a page needs (chats, people, platform calls), keyed by
the page's rows, so a page of 50 costs four small indexed lookups whatever the size
of the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.moderation.rules import RuleSet
from bot.web.render import when
from storage.models import AuditRecord, Chat, Person, PlatformAction, School

__all__ = ["ChatInfo", "LogRow", "chat_infos", "present"]


@dataclass(frozen=True)
class ChatInfo:
    id: int
    title: str
    platform: str
    zone: str


@dataclass(frozen=True)
class LogRow:
    """One line of the log, every field ready to print (the template escapes them)."""

    id: int
    chat_id: int | None
    case_number: int | None
    time: str
    chat: str
    actor: str
    target: str
    action: str
    rule: str
    reason: str
    outcome: str

    def cells(self) -> list[str]:
        """The CSV columns, in the order of `views.export.COLUMNS`."""
        case = "" if self.case_number is None else str(self.case_number)
        return [
            case,
            self.time,
            self.chat,
            self.actor,
            self.target,
            self.action,
            self.rule,
            self.reason,
            self.outcome,
        ]


async def chat_infos(
    session: AsyncSession, chat_ids: Sequence[int | None], default_zone: str
) -> dict[int, ChatInfo]:
    ids = sorted({c for c in chat_ids if c is not None})
    if not ids:
        return {}
    stmt = (
        select(Chat.id, Chat.title, Chat.platform, School.time_zone)
        .outerjoin(School, School.id == Chat.school_id)
        .where(Chat.id.in_(ids))
    )
    rows = (await session.execute(stmt)).all()
    return {r[0]: ChatInfo(r[0], r[1] or f"#{r[0]}", r[2], r[3] or default_zone) for r in rows}


async def _names(session: AsyncSession, user_ids: set[str]) -> dict[tuple[str, str], str]:
    if not user_ids:
        return {}
    stmt = select(Person.full_name, Person.vk_user_id, Person.max_user_id).where(
        or_(Person.vk_user_id.in_(user_ids), Person.max_user_id.in_(user_ids))
    )
    names: dict[tuple[str, str], str] = {}
    for name, vk, mx in (await session.execute(stmt)).all():
        if vk:
            names["vk", vk] = name
        if mx:
            names["max", mx] = name
    return names


async def _outcomes(session: AsyncSession, audit_ids: list[int]) -> dict[int, list[str]]:
    if not audit_ids:
        return {}
    stmt = (
        select(
            PlatformAction.audit_id,
            PlatformAction.kind,
            PlatformAction.status,
            PlatformAction.error,
        )
        .where(PlatformAction.audit_id.in_(audit_ids))
        .order_by(PlatformAction.id)
    )
    found: dict[int, list[str]] = {}
    for audit_id, kind, status, error in (await session.execute(stmt)).all():
        if audit_id is None:
            continue
        found.setdefault(audit_id, []).append(
            f"{kind}: {status}" + (f" ({error})" if error else "")
        )
    return found


def _person(names: dict[tuple[str, str], str], platform: str, user_id: str | None) -> str:
    if not user_id:
        return ""
    name = names.get((platform, user_id))
    return f"{name} ({user_id})" if name else user_id


async def present(
    session: AsyncSession, records: Sequence[AuditRecord], rules: RuleSet, default_zone: str
) -> list[LogRow]:
    chats = await chat_infos(session, [r.chat_id for r in records], default_zone)
    people = {r.target_user_id for r in records if r.target_user_id}
    people |= {r.actor_id for r in records if r.actor_id and r.actor_kind == "person"}
    names = await _names(session, people)
    outcomes = await _outcomes(session, [r.id for r in records])
    rows = []
    for r in records:
        info = chats.get(r.chat_id) if r.chat_id is not None else None
        platform = info.platform if info else ""
        if r.actor_kind == "detector":
            actor = f"detector:{r.detector_name or '?'}"
        else:
            actor = _person(names, platform, r.actor_id) or r.actor_kind
        rule = rules.get(r.rule_code) if r.rule_code else None
        outcome = outcomes.get(r.id) or ([r.platform_status] if r.platform_status else [])
        rows.append(
            LogRow(
                id=r.id,
                chat_id=r.chat_id,
                case_number=r.case_number,
                time=when(r.created_at, info.zone if info else default_zone),
                chat=info.title if info else "",
                actor=actor,
                target=_person(names, platform, r.target_user_id),
                action=r.action,
                rule=f"{r.rule_code} — {rule.title}" if rule else (r.rule_code or ""),
                reason=r.reason or "",
                outcome="; ".join(outcome),
            )
        )
    return rows
