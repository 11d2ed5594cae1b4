"""Scheduled announcements around the database: create, fan out, report, catch up.

The database is the source of truth and the scheduler only the clock (DESIGN.md).
The scheduler's whole contract is:

    at = await service.next_wakeup(now)      # None: nothing planned
    ... when the clock reaches `at` (or something was created or cancelled) ...
    await service.run_due(now)

`run_due` fans out every run whose time has come, marks runs missed beyond the
grace period (telling the author), and updates deliveries from the outbox,
sending the author a report once a run is complete. At start, `on_start(now)`
is the same call: runs missed while down are caught up by the same rules.

Exactly once: a fan-out writes one `Delivery` per chat (unique per announcement,
run and chat) and one outbox `send` per delivery, keyed by the delivery's key, in
chunks; the run is recorded and the announcement advanced only with the last one.
A crash between chunks leaves the run due, and its replay inserts only what is
missing. The `ActionRunner` sends each outbox row once and retries transient
failures. A run whose fan-out began is finished at start even past the grace period.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.announcements import (
    DEFAULT_GRACE,
    ChatRef,
    Fate,
    Plan,
    Preview,
    QuietHours,
    Schedule,
    fate,
    parse_targets,
    parse_zone,
    preview,
    resolve,
)
from bot.i18n import Texts
from bot.services.announcement_reports import ReportSync, action_key, local_label, tell_author
from bot.services.announcement_specs import NewAnnouncement, RunSummary
from bot.turns import in_turn
from storage import Database
from storage.models import Announcement, utcnow
from storage.repos import Announcements, Deliveries

__all__ = ["AnnouncementService", "NewAnnouncement", "RunSummary"]

log = logging.getLogger("etiket.announcements")

REPORT_POLL = timedelta(seconds=30)
"""How soon to look again while a run's deliveries are still being sent."""
CATCH_UP_LIMIT = 1000
"""Runs handled per announcement per call: a daily schedule down for years stays bounded."""
Audit = Callable[[AsyncSession, Announcement], Awaitable[None]]
"""Writes an announcement's audit row in the transaction that changed it."""

FIRST_CHUNK = 25
"""Deliveries in a fan-out's first transaction: one VK `execute` (25 calls), so the
first request leaves while the rest are written; each next chunk is twice as big."""


class AnnouncementService:
    """One platform's announcements; `kick` wakes that platform's `ActionRunner`."""

    def __init__(
        self,
        db: Database,
        *,
        platform: str,
        kick: Callable[[], None] = lambda: None,
        texts: Texts | None = None,
        clock_now: Callable[[], datetime] = utcnow,
        grace: timedelta = DEFAULT_GRACE,
        quiet: QuietHours | None = None,
    ) -> None:
        self.db = db
        self.platform = platform
        self.kick = kick
        self.texts = texts or Texts()
        self.clock_now = clock_now
        self.grace = grace
        self.quiet = quiet or QuietHours()
        self.reports = ReportSync(db, platform=platform, texts=self.texts, kick=kick)

    def plan_of(self, ann: Announcement) -> Plan:
        raw = dict(ann.schedule or {})
        quiet = QuietHours.parse(raw["quiet"]) if raw.get("quiet") else self.quiet
        return Plan(
            Schedule.from_json(raw),
            parse_zone(ann.time_zone or "Europe/Moscow"),
            quiet,
            urgent=ann.urgent,
            created_at=ann.created_at,
        )

    async def create(
        self, spec: NewAnnouncement, *, draft: bool = False, audit: Audit | None = None
    ) -> Announcement:
        """Store an announcement with its first run; a draft waits for confirmation.

        `audit` writes who created it in the same transaction (the dashboard's record).
        """
        now = self.clock_now()
        targets = parse_targets(spec.targets)
        quiet = spec.quiet or self.quiet
        raw = {**spec.schedule.to_json(), "quiet": str(quiet)}
        ann = Announcement(
            school_id=spec.school_id,
            title=spec.text[:60],
            text=spec.text,
            target_tags=list(targets),
            schedule=raw,
            time_zone=spec.time_zone,
            urgent=spec.urgent,
            pin=spec.pin,
            created_by=spec.author,
            created_at=now,
            status="draft" if draft else "active",
            active=True,
            runs_done=0,
            cron=None,
            run_at=None,
        )
        ann.next_run_at = self.plan_of(ann).next_run(now)
        if ann.next_run_at is None and not draft:
            ann.status, ann.active = "finished", False
        async with self.db.transaction() as session:
            await Deliveries(session).add_announcement(ann)
            if audit is not None:
                await audit(session, ann)
        return ann

    async def confirm(self, announcement_id: int) -> bool:
        async with self.db.transaction() as session:
            return await Announcements(session).set_status(
                announcement_id, "active", expect="draft"
            )

    async def cancel(self, announcement_id: int, *, audit: Audit | None = None) -> bool:
        """Stop future runs; deliveries already queued still go out (they were promised).

        `audit` writes who cancelled it in the same transaction, only if it was cancelled.
        """
        async with self.db.transaction() as session:
            repo = Announcements(session)
            for status in ("active", "draft"):
                if await repo.set_status(announcement_id, "cancelled", expect=status):
                    ann = await repo.get(announcement_id)
                    if audit is not None and ann is not None:
                        await audit(session, ann)
                    return True
        return False

    async def list(self, *, statuses: Sequence[str] | None = None) -> builtins.list[Announcement]:
        async with self.db.transaction() as session:
            return await Announcements(session).listing(statuses=statuses)

    async def get(self, announcement_id: int) -> Announcement | None:
        async with self.db.transaction() as session:
            return await Announcements(session).get(announcement_id)

    async def chats(self) -> builtins.list[ChatRef]:
        """Every chat of this platform with its tags: what targets resolve against."""
        async with in_turn(self.db) as session:
            pool = await Deliveries(session).target_pool(self.platform)
        return [ChatRef(i, self.platform, ref, title, tags) for i, ref, title, tags in pool]

    async def preview(self, target: int | NewAnnouncement, now: datetime | None = None) -> Preview:
        """The next five runs and the chats they reach, of a stored or a proposed one."""
        now = now or self.clock_now()
        if isinstance(target, int):
            ann = await self.get(target)
            if ann is None:
                raise LookupError(f"no announcement #{target}")
            plan, items = self.plan_of(ann), tuple(ann.target_tags)
        else:
            quiet = target.quiet or self.quiet
            plan = Plan(target.schedule, parse_zone(target.time_zone), quiet, target.urgent)
            items = parse_targets(target.targets)
        return preview(plan, items, await self.chats(), now)

    async def due_runs(self, now: datetime) -> builtins.list[tuple[Announcement, datetime]]:
        async with self.db.transaction() as session:
            due = await Announcements(session).due(now)
        return [(a, a.next_run_at) for a in due if a.next_run_at is not None]

    async def next_wakeup(self, now: datetime | None = None) -> datetime | None:
        """When `run_due` should next be called: the next run, or soon if reports wait."""
        async with self.db.transaction() as session:
            repo = Announcements(session)
            at = await repo.next_run_at()
            waiting = bool(await repo.unreported_runs())
        if waiting:
            soon = (now or self.clock_now()) + REPORT_POLL
            at = soon if at is None else min(at, soon)
        return at

    async def run_due(self, now: datetime) -> RunSummary:
        """Everything whose time has come: fan-outs, missed runs, outcomes and reports."""
        summary = RunSummary()
        for ann, _ in await self.due_runs(now):
            await self._catch_up(ann, now, summary)
        summary.reports = await self.sync_delivery_outcomes()
        return summary

    on_start = run_due
    """Runs missed while the bot was down follow the same grace rule."""

    async def _catch_up(self, ann: Announcement, now: datetime, summary: RunSummary) -> None:
        plan = self.plan_of(ann)
        run_at = ann.next_run_at
        for _ in range(CATCH_UP_LIMIT):
            if run_at is None or run_at > now:
                return
            if fate(run_at, now, self.grace) is Fate.DELIVER or await self._begun(ann, run_at):
                summary.deliveries += await self.fan_out(ann, run_at, now, plan=plan)
                summary.fanned_out += 1
            else:
                await self.mark_missed(ann, run_at, now, plan=plan)
                summary.missed += 1
            run_at = plan.next_run(run_at)

    async def fan_out(
        self, ann: Announcement, run_at: datetime, now: datetime, *, plan: Plan | None = None
    ) -> int:
        """The run's deliveries and outbox sends in growing chunks, then the run itself.

        Each chunk commits and kicks the runner, so sending starts while the rest is
        written: one transaction for a thousand chats held every send back a quarter
        of a second. Chunks are whole `execute` batches (25, 50, 100, ...).
        """
        nxt = (plan or self.plan_of(ann)).next_run(run_at)
        chats = resolve(tuple(ann.target_tags), await self.chats()).chats
        params = {"text": ann.text, **({"pin": True} if ann.pin else {})}
        start, size = 0, FIRST_CHUNK
        while start < len(chats):
            chunk = chats[start : start + size]
            sends = {
                c.id: {
                    "key": action_key(ann.id, run_at, c.id),
                    "platform": self.platform,
                    "kind": "send",
                    "params": {"chat_id": c.platform_chat_id, **params},
                }
                for c in chunk
            }
            async with in_turn(self.db) as session:
                await Deliveries(session).plan_sends(ann.id, run_at, sends, now)
            self.kick()
            start, size = start + size, size * 2
        async with in_turn(self.db) as session:
            repo = Announcements(session)
            await repo.record_run(ann.id, run_at, "fanned_out", len(chats))
            await repo.advance(ann.id, run_at, nxt)
        log.info("announcement %s run %s: %d chats", ann.id, run_at.isoformat(), len(chats))
        return len(chats)

    async def _begun(self, ann: Announcement, run_at: datetime) -> bool:
        """Whether a fan-out of this run started (and crashed before recording the run)."""
        async with in_turn(self.db) as session:
            return await Deliveries(session).run_has(ann.id, run_at)

    async def mark_missed(
        self, ann: Announcement, run_at: datetime, now: datetime, *, plan: Plan | None = None
    ) -> None:
        """Too late to deliver: record it and tell the author privately."""
        plan = plan or self.plan_of(ann)
        async with in_turn(self.db) as session:
            repo = Announcements(session)
            await repo.record_run(ann.id, run_at, "missed", 0)
            if ann.created_by:
                text = self.texts.t(
                    "announce.missed",
                    id=ann.id,
                    run=local_label(run_at, plan.zone),
                    grace=int(self.grace.total_seconds() // 60),
                )
                await tell_author(repo, self.platform, ann, run_at, "missed", text, now)
            await repo.advance(ann.id, run_at, plan.next_run(run_at))
        log.warning("announcement %s run %s missed (now %s)", ann.id, run_at, now)
        self.kick()

    async def sync_delivery_outcomes(self) -> int:
        """Copy outbox outcomes onto deliveries; report complete runs. Returns reports sent."""
        return await self.reports.sync(self.clock_now())
