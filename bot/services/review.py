"""The curators' buttons (issue [6/11]): review findings and automatic warnings.

Under a review finding: "Предупредить" warns through `Warnings.warn` with the curator
as the actor and the finding's rule; "Удалить" deletes the message through
`Sanctions.delete` (audit `delete`); "Ложное срабатывание" records `false_positive`
with the detector's name and version (the dashboard counts them per detector).
Under an automatic warning: "Подтвердить" records `confirm`; "Снять" voids it
through `Sanctions.void`, the `/снять` path. Every decision is keyed by the finding
or the case, not the press, so a button pressed twice acts once; a false positive
and a sanction of the same finding exclude each other.

Whoever presses must moderate that chat (a curator does, by the roster).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.base import Event
from bot.moderation import (
    Actor,
    DeleteArgs,
    Target,
    UnwarnArgs,
    can_moderate,
    can_sanction,
)
from bot.services.base import Moderation
from bot.services.payload import payload_id, payload_int
from bot.services.sanctions import Sanctions
from bot.services.warnings import Warnings
from storage.models import AuditRecord, Chat
from storage.repos import AuditLog, Chats

__all__ = ["Review"]

_SANCTIONS = ("warn", "delete")


class Review:
    def __init__(self, m: Moderation, warnings: Warnings, sanctions: Sanctions) -> None:
        self.m = m
        self.warnings = warnings
        self.sanctions = sanctions

    async def finding_pressed(self, event: Event) -> str:
        """A review button; returns what the presser is told."""
        m, p = self.m, event.payload
        t = m.formats.t
        found = await self._finding(p)
        if found is None:
            return t("common.button_expired")
        record, chat, action = found[0], found[1], str(p.get("a"))
        chat_id, target = chat.platform_chat_id, record.target_user_id or ""
        facts = await m.moderators.facts(m.platform, chat_id, event.user_id)
        refusal = can_moderate(facts)
        if refusal is not None:
            return m.formats.refusal(refusal)
        key = f"review:{record.id}"
        done = await self._done(key)
        actor = Actor.person(event.user_id)
        if action == "fp":
            if done & set(_SANCTIONS):
                return t("detection.answer_already_acted")
            await self._false_positive(key, record, actor)
            return t("detection.answer_false")
        if "false_positive" in done:
            return t("detection.answer_already_false")
        rule = m.regulation.rules(m.platform, chat_id).get(record.rule_code or "")
        if rule is None:
            return t("common.button_expired")
        if action == "warn":
            person = await m.moderators.facts(m.platform, chat_id, target)
            refusal = can_sanction(facts, person, event.user_id, target)
            if refusal is not None:
                return m.formats.refusal(refusal)
            await self.warnings.warn(key, chat_id, target, rule, actor)
            return t("detection.answer_warned")
        if action == "delete" and p.get("m"):
            args = DeleteArgs(str(p["m"]), Target(target, "id") if target else None, rule)
            await self.sanctions.delete(key, chat_id, args, actor)
            return t("detection.answer_deleted")
        return t("common.button_expired")

    async def _finding(self, p: Mapping[str, Any]) -> tuple[AuditRecord, Chat] | None:
        record_id = payload_int(p, "f")
        if record_id is None:
            return None
        async with self.m.db.transaction() as session:
            record = await AuditLog(session).get(record_id)
            if record is None or record.action != "finding" or record.chat_id is None:
                return None
            chat = await Chats(session).get(record.chat_id)
        if chat is None or chat.platform != self.m.platform:
            return None
        return record, chat

    async def _done(self, key: str) -> set[str]:
        async with self.m.db.transaction() as session:
            audit = AuditLog(session)
            return {
                a
                for a in (*_SANCTIONS, "false_positive")
                if await audit.by_idempotency_key(f"{key}:{a}") is not None
            }

    async def _false_positive(self, key: str, finding: AuditRecord, actor: Actor) -> None:
        """The curator's row, carrying the detector it is held against."""
        marked = Actor(
            "person",
            user_id=actor.user_id,
            detector=finding.detector_name,
            detector_version=finding.detector_version,
        )
        async with self.m.deciding(key) as ledger:
            if finding.chat_id is None or await ledger.seen("false_positive"):
                return
            await ledger.record(
                "false_positive",
                marked,
                finding.chat_id,
                at=self.m.clock.now(),
                target=finding.target_user_id,
                rule_code=finding.rule_code,
                rule_version=finding.rule_version,
                corrects_id=finding.id,
            )

    async def warning_pressed(self, event: Event) -> str:
        """ "Подтвердить" or "Снять" under an automatic warning's notice."""
        m, p = self.m, event.payload
        t = m.formats.t
        chat_id, case = payload_id(p, "c"), payload_int(p, "n")
        if chat_id is None or case is None or "a" not in p:
            return t("common.button_expired")
        action = str(p["a"])
        facts = await m.moderators.facts(m.platform, chat_id, event.user_id)
        refusal = can_moderate(facts)
        if refusal is not None:
            return m.formats.refusal(refusal)
        actor = Actor.person(event.user_id)
        if action == "void":
            args = UnwarnArgs(case, t("detection.void_reason"))
            key = f"{m.platform}:curator-void:{chat_id}:{case}"
            refusal = await self.sanctions.void(key, chat_id, args, actor)
            return m.formats.refusal(refusal) if refusal else t("detection.answer_voided")
        if action == "ok":
            return await self._confirm(chat_id, case, actor)
        return t("common.button_expired")

    async def _confirm(self, chat_id: str, case: int, actor: Actor) -> str:
        m = self.m
        async with m.deciding(f"{m.platform}:curator-confirm:{chat_id}:{case}") as ledger:
            chat = await ledger.chat(chat_id)
            warned = await AuditLog(ledger.session).by_case(chat.id, case)
            if warned is None or warned.action != "warn":
                return m.formats.t("common.button_expired")
            if not await ledger.seen("confirm"):
                await ledger.record(
                    "confirm",
                    actor,
                    chat.id,
                    at=m.clock.now(),
                    target=warned.target_user_id,
                    rule_code=warned.rule_code,
                    rule_version=warned.rule_version,
                    corrects_id=warned.id,
                )
        return m.formats.t("detection.answer_confirmed")
