"""Delivery outcomes and the author's report, read back from the outbox.

The `ActionRunner` records each send's outcome on its outbox row; a delivery finds
its row by key (`action_key`), so no callback has to survive a crash: whatever was
sent before a restart is found sent afterwards. When no delivery of a run is
pending any more, its author gets one private report (sent, failed, and the failed
chats with the platform's reason), queued through the outbox like any message and
marked on the run so it goes out once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.announcements import DeliveryOutcome, summarize
from bot.i18n import Texts
from storage import Database
from storage.models import AnnouncementRun
from storage.repos import Announcements, Deliveries

__all__ = ["ReportSync", "action_key", "local_label"]

MAX_LISTED_FAILURES = 20


def action_key(announcement_id: int, run_at: datetime, chat_id: int) -> str:
    """The outbox key of one delivery, derived from the delivery's own unique key."""
    return f"ann:{announcement_id}:{int(run_at.timestamp())}:{chat_id}"


def local_label(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


class ReportSync:
    """`sync(now)`: deliveries from outbox outcomes, then reports for complete runs."""

    def __init__(
        self, db: Database, *, platform: str, texts: Texts, kick: Callable[[], None]
    ) -> None:
        self.db = db
        self.platform = platform
        self.texts = texts
        self.kick = kick

    async def sync(self, now: datetime) -> int:
        await self._outcomes(now)
        sent = 0
        async with self.db.transaction() as session:
            runs = await Announcements(session).unreported_runs()
        for run in runs:
            sent += await self._report(run, now)
        if sent:
            self.kick()
        return sent

    async def _outcomes(self, now: datetime) -> None:
        async with self.db.transaction() as session:
            repo, deliveries = Announcements(session), Deliveries(session)
            pending = await repo.pending_deliveries()
            keys = {action_key(d.announcement_id, d.run_at, d.chat_id): d for d in pending}
            for key, action in (await repo.actions(list(keys))).items():
                delivery = keys[key]
                if action.status == "done":
                    mid = str((action.result or {}).get("message_id") or "")
                    await deliveries.mark_sent(delivery.id, mid, at=action.done_at or now)
                elif action.status == "failed":
                    await deliveries.mark_failed(delivery.id, action.error or "?")

    async def _report(self, run: AnnouncementRun, now: datetime) -> int:
        async with self.db.transaction() as session:
            repo = Announcements(session)
            if run.status == "missed":  # the author was told when it was marked
                await repo.mark_reported(run.id, now)
                return 0
            rows = await repo.deliveries(run.announcement_id, run.run_at)
            if any(d.status == "pending" for d, _ in rows):
                return 0
            ann = await repo.get(run.announcement_id)
            if not await repo.mark_reported(run.id, now) or ann is None or not ann.created_by:
                return 0
            report = summarize(
                DeliveryOutcome(c.title or c.platform_chat_id, d.status, d.error) for d, c in rows
            )
            zone = ZoneInfo(ann.time_zone or "Europe/Moscow")
            lines = [
                self.texts.t(
                    "announce.report",
                    id=ann.id,
                    run=local_label(run.run_at, zone),
                    sent=report.sent,
                    failed=report.failed,
                )
            ]
            lines += [
                self.texts.t("announce.report_failure", chat=chat, reason=reason)
                for chat, reason in report.failures[:MAX_LISTED_FAILURES]
            ]
            await repo.queue_actions(
                [
                    {
                        "key": f"{action_key(ann.id, run.run_at, 0)}:report",
                        "platform": self.platform,
                        "kind": "private",
                        "params": {"user_id": ann.created_by, "text": "\n".join(lines)},
                    }
                ],
                now,
            )
        return 1
