"""The announcement service on SQLite and PostgreSQL: fan-out once, outcomes, reports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.announcements import parse_at, parse_every
from bot.services.announcements import AnnouncementService, NewAnnouncement
from storage import Database
from storage.models import Announcement, AuditRecord, Delivery, PlatformAction
from storage.repos import AuditLog, Chats, Deliveries, Outbox

NOW = datetime(2026, 3, 20, tzinfo=UTC)


async def _chats(db: Database, platform: str, n: int) -> str:
    tag = f"t{uuid.uuid4().hex[:8]}"
    async with db.transaction() as session:
        for i in range(n):
            chat = await Chats(session).get_or_create(platform, f"{tag}{i}", title=f"{tag}-{i}")
            await Chats(session).set_tags(chat, [f"{tag}-{i}"])
    return tag


async def _count(db: Database, model: type, **where: object) -> int:
    async with db.transaction() as session:
        stmt = select(func.count()).select_from(model).filter_by(**where)
        return int((await session.execute(stmt)).scalar_one())


async def test_fan_out_is_once_and_reports_once(db: Database) -> None:
    platform = f"p{uuid.uuid4().hex[:6]}"
    tag = await _chats(db, platform, 3)
    svc = AnnouncementService(db, platform=platform, clock_now=lambda: NOW)
    spec = NewAnnouncement("Hi", (f"{tag}-*",), parse_at("2026-03-21 10:00"), "UTC", author="7")
    ann = await svc.create(spec)
    assert ann.next_run_at == datetime(2026, 3, 21, 10, tzinfo=UTC)
    assert await svc.next_wakeup(NOW) == ann.next_run_at
    assert (await svc.run_due(NOW)).fanned_out == 0
    summary = await svc.run_due(ann.next_run_at)
    assert (summary.fanned_out, summary.deliveries) == (1, 3)
    assert await svc.fan_out(ann, ann.next_run_at, ann.next_run_at) == 3  # a replay
    assert await _count(db, Delivery, announcement_id=ann.id) == 3
    prefix = f"ann:{ann.id}:"
    async with db.transaction() as session:
        stmt = select(PlatformAction).where(PlatformAction.key.startswith(prefix))
        actions = list((await session.execute(stmt)).scalars())
        assert len(actions) == 3
        for i, action in enumerate(actions):
            if i == 0:
                await Outbox(session).fail(action.id, "NotAdmin: no access")
            else:
                await Outbox(session).complete(action.id, {"message_id": str(i)})
    assert await svc.sync_delivery_outcomes() == 1
    assert await svc.sync_delivery_outcomes() == 0
    async with db.transaction() as session:
        report = await Outbox(session).by_key(
            f"ann:{ann.id}:{int(ann.next_run_at.timestamp())}:0:report"
        )
    assert report is not None and "NotAdmin" in report.params["text"]
    assert (await svc.get(ann.id)).status == "finished"  # type: ignore[union-attr]


async def test_recurring_catch_up_and_cancel(db: Database) -> None:
    platform = f"p{uuid.uuid4().hex[:6]}"
    tag = await _chats(db, platform, 1)
    svc = AnnouncementService(db, platform=platform, clock_now=lambda: NOW)
    spec = NewAnnouncement("Daily", (f"{tag}-0",), parse_every("daily 09:00"), "UTC", author="7")
    ann = await svc.create(spec)
    assert ann.next_run_at is not None
    later = ann.next_run_at + timedelta(days=2, minutes=30)  # three runs due, last 30 min late
    summary = await svc.on_start(later)
    assert (summary.fanned_out, summary.missed) == (1, 2)
    refreshed = await svc.get(ann.id)
    assert refreshed is not None and refreshed.runs_done == 3
    assert await svc.cancel(ann.id)
    assert (await svc.run_due(later + timedelta(days=5))).fanned_out == 0
    assert await svc.preview(ann.id, later) is not None


async def test_a_fan_out_cut_between_chunks_is_finished_even_past_the_grace(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = f"p{uuid.uuid4().hex[:6]}"
    tag = await _chats(db, platform, 5)
    monkeypatch.setattr("bot.services.announcements.FIRST_CHUNK", 2)  # chunks of 2 and 3
    svc = AnnouncementService(db, platform=platform, clock_now=lambda: NOW)
    spec = NewAnnouncement("Hi", (f"{tag}-*",), parse_at("2026-03-21 10:00"), "UTC", author="7")
    ann = await svc.create(spec)
    assert ann.next_run_at is not None
    real = Deliveries.plan_sends
    calls = 0

    async def dies_after_one_chunk(self: Deliveries, *args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the process died")
        await real(self, *args)

    monkeypatch.setattr(Deliveries, "plan_sends", dies_after_one_chunk)
    with pytest.raises(RuntimeError):
        await svc.fan_out(ann, ann.next_run_at, ann.next_run_at)
    monkeypatch.setattr(Deliveries, "plan_sends", real)
    assert await _count(db, Delivery, announcement_id=ann.id) == 2  # the first chunk only
    assert (await svc.get(ann.id)).next_run_at == ann.next_run_at  # type: ignore[union-attr]
    summary = await svc.on_start(ann.next_run_at + timedelta(hours=3))  # past the 1 h grace
    assert (summary.fanned_out, summary.missed, summary.deliveries) == (1, 0, 5)
    assert await _count(db, Delivery, announcement_id=ann.id) == 5
    prefix = f"ann:{ann.id}:"
    async with db.transaction() as session:
        stmt = select(func.count()).where(PlatformAction.key.startswith(prefix))
        assert (await session.execute(stmt)).scalar_one() == 5  # no send twice


async def test_the_audit_row_commits_with_the_change_or_neither_does(db: Database) -> None:
    """The dashboard's record of who created or cancelled an announcement is written in
    the same transaction: no announcement without its record, and the reverse."""
    platform = f"p{uuid.uuid4().hex[:6]}"
    svc = AnnouncementService(db, platform=platform, clock_now=lambda: NOW)
    text = f"Audited {uuid.uuid4().hex}"
    spec = NewAnnouncement(text, (f"{platform}-*",), parse_at("2026-03-21 10:00"), "UTC")
    actor = f"dashboard:{uuid.uuid4().hex[:6]}"

    async def audit(session: AsyncSession, ann: Announcement) -> None:
        await AuditLog(session).append(
            action="announcement_created", actor_kind="person", actor_id=actor,
            reason=f"announcement #{ann.id}", created_at=NOW,
        )  # fmt: skip

    async def broken(session: AsyncSession, ann: Announcement) -> None:
        await audit(session, ann)
        raise RuntimeError("the process died before the commit")

    with pytest.raises(RuntimeError):
        await svc.create(spec, audit=broken)
    assert await _count(db, Announcement, text=text) == 0
    assert await _count(db, AuditRecord, actor_id=actor) == 0
    ann = await svc.create(spec, audit=audit)
    assert await _count(db, AuditRecord, actor_id=actor, reason=f"announcement #{ann.id}") == 1
    with pytest.raises(RuntimeError):
        await svc.cancel(ann.id, audit=broken)
    assert (await svc.get(ann.id)).status == "active"  # type: ignore[union-attr]
    assert await svc.cancel(ann.id, audit=audit)
    assert await _count(db, AuditRecord, actor_id=actor) == 2
    assert not await svc.cancel(ann.id, audit=audit)  # already over: nothing recorded
    assert await _count(db, AuditRecord, actor_id=actor) == 2
