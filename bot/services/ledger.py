"""One decision's writes: the audit row and the platform calls, in one transaction.

Issue [4/11]: the decision, the storage write and the audit row commit together
before any platform call is made; the calls are outbox rows carried out afterwards
by `bot.actions.ActionRunner`, whose recorded outcome is the audit row's "platform
outcome". Keys derive from the event (or the job) that caused the decision, so a
replayed event finds its audit row and outbox rows instead of writing new ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import Keyboard
from bot.actions import Handover, keyboard_to_json
from bot.moderation import Actor, Rule
from storage.models import AuditRecord, Chat
from storage.repos import AuditLog, Chats, Outbox

__all__ = ["Ledger"]


class Ledger:
    """Writes under `key` (an event key or a job name) within the caller's transaction."""

    def __init__(self, session: AsyncSession, platform: str, key: str) -> None:
        self.session = session
        self.platform = platform
        self.key = key
        self.audit = AuditLog(session)
        self.outbox = Outbox(session)
        self._records: dict[str, AuditRecord | None] = {}
        """Audit rows of this key looked up or written in this transaction, by key."""

    async def chat(self, platform_chat_id: str) -> Chat:
        """The chat's row, created on first sight."""
        return await Chats(self.session).get_or_create(self.platform, platform_chat_id)

    async def seen(self, action: str) -> bool:
        """Whether this key already recorded `action` (a replayed event)."""
        return await self.recorded(action) is not None

    async def recorded(self, action: str) -> AuditRecord | None:
        """The audit row of `action` under this key, if there is one."""
        key = f"{self.key}:{action}"
        if key not in self._records:
            self._records[key] = await self.audit.by_idempotency_key(key)
        return self._records[key]

    async def record(
        self,
        action: str,
        actor: Actor,
        chat_id: int,
        *,
        at: datetime,
        target: str | None = None,
        rule: Rule | None = None,
        rule_code: str | None = None,
        rule_version: str | None = None,
        reason: str = "",
        corrects_id: int | None = None,
        excerpt: str | None = None,
    ) -> AuditRecord:
        """The append-only audit row for `action`, with the chat's next case number."""
        key = f"{self.key}:{action}"
        record = await self.audit.append(
            action=action,
            actor_kind=actor.kind,
            chat_id=chat_id,
            actor_id=actor.user_id,
            detector_name=actor.detector,
            detector_version=actor.detector_version,
            target_user_id=target,
            rule_code=rule.code if rule is not None else rule_code,
            rule_version=rule.version if rule is not None else rule_version,
            reason=reason or None,
            corrects_id=corrects_id,
            excerpt=excerpt,
            idempotency_key=key,
            created_at=at,
            checked=key in self._records and self._records[key] is None,
        )
        self._records[key] = record
        return record

    async def _add(self, name: str, kind: str, audit_id: int | None, **params: Any) -> None:
        """Queue a call; claimed for this process if the transaction hands its calls
        over on commit (`Moderation.deciding`)."""
        key, kept = f"{self.key}:{name}", {k: v for k, v in params.items() if v is not None}
        handover = Handover.of(self.session.info)
        if handover is None:
            await self.outbox.add(
                key, platform=self.platform, kind=kind, params=kept, audit_id=audit_id
            )
            return
        added = await self.outbox.add_claimed(
            key,
            platform=self.platform,
            kind=kind,
            params=kept,
            audit_id=audit_id,
            lease_until=handover.lease_until,
        )
        if added is not None:
            handover.actions.append(added)

    async def send(
        self,
        name: str,
        chat_id: str,
        text: str,
        *,
        audit_id: int | None = None,
        keyboard: Keyboard | None = None,
        reply_to: str | None = None,
    ) -> None:
        await self._add(
            name,
            "send",
            audit_id,
            chat_id=chat_id,
            text=text,
            keyboard=keyboard_to_json(keyboard),
            reply_to=reply_to or None,
        )

    async def private(
        self,
        name: str,
        user_id: str,
        text: str,
        *,
        audit_id: int | None = None,
        keyboard: Keyboard | None = None,
    ) -> None:
        await self._add(
            name,
            "private",
            audit_id,
            user_id=user_id,
            text=text,
            keyboard=keyboard_to_json(keyboard),
        )

    async def delete(
        self, name: str, chat_id: str, message_ids: list[str], *, audit_id: int | None = None
    ) -> None:
        await self._add(name, "delete", audit_id, chat_id=chat_id, message_ids=message_ids)

    async def remove(
        self, name: str, chat_id: str, user_id: str, *, audit_id: int | None = None
    ) -> None:
        await self._add(name, "remove", audit_id, chat_id=chat_id, user_id=user_id)

    async def readd(
        self, name: str, chat_id: str, user_id: str, invite_text: str, *, audit_id: int | None
    ) -> None:
        await self._add(
            name, "readd", audit_id, chat_id=chat_id, user_id=user_id, invite_text=invite_text
        )
