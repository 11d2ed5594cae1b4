"""The moderation log's filter, its keyset cursor and the query they make.

Paging is by `(created_at, id)` descending from a cursor, never by OFFSET, so page
1,000 costs what page 1 does; every filter column has an index that ends in
`(created_at, id)` (migration 0004). The dashboard's own rows (`viewed`,
`exported`: who looked at whose data; `announcement_created`, `_cancelled`: what
they changed) are left out unless asked for by action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, false, select, tuple_

from storage.models import AuditRecord

__all__ = [
    "DASHBOARD_ACTIONS",
    "Cursor",
    "LogFilter",
    "decode_cursor",
    "encode_cursor",
    "log_query",
]

DASHBOARD_ACTIONS = ("viewed", "exported", "announcement_created", "announcement_cancelled")
Cursor = tuple[datetime, int]


def _text(query: Mapping[str, str], key: str) -> str | None:
    value = query.get(key, "").strip()
    return value[:128] or None


def _day(query: Mapping[str, str], key: str) -> date | None:
    value = query.get(key, "").strip()
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class LogFilter:
    """What the administrator narrowed the log to; parsed from and back to a query."""

    chat: int | None = None
    person: str | None = None
    rule: str | None = None
    action: str | None = None
    actor: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> LogFilter:
        """Raises ValueError on a malformed chat id or date (the page answers 400)."""
        chat = query.get("chat", "").strip()
        return cls(
            chat=int(chat) if chat else None,
            person=_text(query, "person"),
            rule=_text(query, "rule"),
            action=_text(query, "action"),
            actor=_text(query, "actor"),
            date_from=_day(query, "from"),
            date_to=_day(query, "to"),
        )

    def as_query(self) -> dict[str, str]:
        names = {"date_from": "from", "date_to": "to"}
        return {
            names.get(key, key): str(value)
            for key, value in asdict(self).items()
            if value is not None
        }

    def describe(self) -> str:
        """The filter as the `reason` of the audit row that records the viewing."""
        return " ".join(f"{k}={v}" for k, v in sorted(self.as_query().items())) or "all"


def encode_cursor(cursor: Cursor) -> str:
    at, record_id = cursor
    return f"{int(at.timestamp() * 1_000_000)}.{record_id}"


def decode_cursor(raw: str | None) -> Cursor | None:
    """Raises ValueError on a malformed cursor."""
    if not raw:
        return None
    micros, _, record_id = raw.partition(".")
    at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))
    return at, int(record_id)


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def log_query(
    flt: LogFilter,
    visible: frozenset[int] | None,
    *,
    zone: str,
    before: Cursor | None = None,
    limit: int | None = 50,
) -> Select[AuditRecord]:
    """Newest first, within what the viewer may see (`visible` None: everything)."""
    a = AuditRecord
    stmt = select(a)
    if visible is not None:
        stmt = stmt.where(a.chat_id.in_(sorted(visible)) if visible else false())
    if flt.chat is not None:
        stmt = stmt.where(a.chat_id == flt.chat)
    if flt.person is not None:
        stmt = stmt.where(a.target_user_id == flt.person)
    if flt.rule is not None:
        stmt = stmt.where(a.rule_code == flt.rule)
    if flt.action is not None:
        stmt = stmt.where(a.action == flt.action)
    else:
        stmt = stmt.where(a.action.not_in(DASHBOARD_ACTIONS))
    if flt.actor is not None and flt.actor.startswith("detector:"):
        stmt = stmt.where(a.detector_name == flt.actor.removeprefix("detector:"))
    elif flt.actor is not None:
        stmt = stmt.where(a.actor_id == flt.actor)
    if flt.date_from is not None:
        stmt = stmt.where(a.created_at >= _local_midnight(flt.date_from, zone))
    if flt.date_to is not None:
        end = _local_midnight(flt.date_to + timedelta(days=1), zone)
        stmt = stmt.where(a.created_at < end)
    if before is not None:
        at, record_id = before
        # A row comparison, which PostgreSQL turns into one index range condition.
        stmt = stmt.where(tuple_(a.created_at, a.id) < tuple_(at, record_id))
    stmt = stmt.order_by(a.created_at.desc(), a.id.desc())
    return stmt.limit(limit) if limit is not None else stmt
