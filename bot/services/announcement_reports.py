"""Delivery outcomes and the author's report, read back from the outbox.

The `ActionRunner` records each send's outcome on its outbox row; a delivery finds
its row by key (`action_key`), so no callback has to survive a crash: whatever was
sent before a restart is found sent afterwards. When no delivery of a run is
pending any more, its author gets one private report (sent, failed, and the failed
chats with the platform's reason; for a pinned announcement also the chats where
it went out but could not be pinned), queued through the outbox like any message
and marked on the run so it goes out once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.announcements import DeliveryOutcome, summarize
from bot.i18n import Texts
from bot.turns import in_turn
from storage import Database
from storage.models import Announcement, AnnouncementRun
from storage.repos import Announcements, Deliveries
from storage.repos.deliveries import PIN_ERROR

__all__ = ["ReportSync", "action_key", "local_label", "tell_author"]

MAX_LISTED_FAILURES = 20


def action_key(announcement_id: int, run_at: datetime, chat_id: int) -> str:
    """The outbox key of one delivery, derived from the delivery's own unique key."""
    return f"ann:{announcement_id}:{int(run_at.timestamp())}:{chat_id}"


async def tell_author(
    repo: Announcements,
    platform: str,
    ann: Announcement,
    run_at: datetime,
    what: str,
    text: str,
    now: datetime,
) -> None:
    """Queue a private message about one run to the announcement's author, keyed by
    the run and `what` (e.g. "report"), so a replay queues nothing new."""
    await repo.queue_actions(
        [
            {
                "key": f"{action_key(ann.id, run_at, 0)}:{what}",
                "platform": platform,
                "kind": "private",
                "params": {"user_id": ann.created_by, "text": text},
            }
        ],
        now,
    )


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
        async with in_turn(self.db) as session:
            runs = await Announcements(session).unreported_runs()
        for run in runs:
            sent += await self._report(run, now)
        if sent:
            self.kick()
        return sent

    async def _outcomes(self, now: datetime) -> None:
        async with in_turn(self.db) as session:
            deliveries = Deliveries(session)
            keys = {action_key(a, r, c): d for d, a, r, c in await deliveries.pending_refs()}
            for key, action in (await deliveries.settled_sends(list(keys))).items():
                if action.status == "done":
                    result = action.result or {}
                    await deliveries.mark_sent(
                        keys[key],
                        str(result.get("message_id") or ""),
                        at=action.done_at or now,
                        pin_error=str(result.get("pin_error") or "") or None,
                    )
                else:
                    await deliveries.mark_failed(keys[key], action.error or "?")

    async def _report(self, run: AnnouncementRun, now: datetime) -> int:
        async with in_turn(self.db) as session:
            repo = Announcements(session)
            if run.status == "missed":  # the author was told when it was marked
                await repo.mark_reported(run.id, now)
                return 0
            if await Deliveries(session).run_has(run.announcement_id, run.run_at, status="pending"):
                return 0  # checked before loading the run's thousand rows, every poll
            rows = await repo.deliveries(run.announcement_id, run.run_at)
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
            unpinned = sorted(
                (c.title or c.platform_chat_id, d.error.removeprefix(PIN_ERROR))
                for d, c in rows
                if d.status == "sent" and d.error
            )
            lines += [
                self.texts.t("announce.report_unpinned", chat=chat, reason=reason)
                for chat, reason in unpinned[:MAX_LISTED_FAILURES]
            ]
            await tell_author(repo, self.platform, ann, run.run_at, "report", "\n".join(lines), now)
        return 1
