"""Private notices to a chat's curators: automatic warnings, review findings, blocks,
removals (issue [6/11]).

Notices are outbox rows written in the transaction of the decision they report, so
a notice exists exactly when its decision committed, and a replayed event queues
none again. They go to the chat's curators (`chat_curators`), never to a global
channel; a detector's warning or finding with no curator set goes to the chat's
platform admins instead, so review mode is never a black hole. A curator who does
not accept the bot's messages makes the `private` row fail with `PrivacyRefused`:
that failed row is what the dashboard lists as "curators the bot cannot reach".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import Button, Keyboard
from bot.moderation import Actor, BlockDecision, Rule
from bot.moderation.detectors import Finding
from bot.services.base import Moderation
from bot.services.ledger import Ledger
from storage.models import AuditRecord, Chat
from storage.repos import Blocks, Chats, People

__all__ = ["CURATOR_WARNING", "REVIEW", "CuratorNotices"]

REVIEW = "det_review"  # buttons under a review finding: a = warn | delete | fp
CURATOR_WARNING = "det_warning"  # buttons under an automatic warning: a = ok | void

_ACCOUNT = {"vk": "vk_user_id", "max": "max_user_id"}


class CuratorNotices:
    def __init__(self, m: Moderation) -> None:
        self.m = m
        self.on_sent: Callable[[], None] | None = None  # the digest arms itself on the first

    async def recipients(
        self, session: AsyncSession, chat: Chat, fallback: Iterable[str] = (), exclude: str = ""
    ) -> list[str]:
        """The chat's curators' accounts on this platform; `fallback` when there are none."""
        column = _ACCOUNT.get(chat.platform)
        found: list[str] = []
        if column is not None:
            people = People(session)
            for person_id in await Chats(session).curators(chat.id):
                person = await people.get(person_id)
                account = getattr(person, column) if person is not None else None
                if account and person is not None and person.status == "active":
                    found.append(str(account))
        accounts = found or list(fallback)
        return [a for a in dict.fromkeys(accounts) if a != exclude]

    def _chat(self, chat: Chat) -> str:
        return chat.title or chat.platform_chat_id

    async def _send(
        self,
        ledger: Ledger,
        name: str,
        to: Sequence[str],
        text: str,
        record: AuditRecord,
        keyboard: Keyboard | None = None,
    ) -> None:
        if to and self.on_sent is not None:
            self.on_sent()
        for user_id in to:
            await ledger.private(
                f"curator:{name}:{user_id}", user_id, text, audit_id=record.id, keyboard=keyboard
            )

    async def warned(
        self,
        ledger: Ledger,
        chat: Chat,
        record: AuditRecord,
        finding: Finding,
        rule: Rule,
        name: str,
        deleted: bool,
        to: Sequence[str],
    ) -> None:
        """An automatic warning: confirm it, or withdraw it (the `/снять` path)."""
        f = self.m.formats
        text = f.t(
            "detection.warned",
            chat=self._chat(chat),
            name=name,
            detector=finding.detector,
            version=finding.version,
            evidence=finding.evidence,
            case=record.case_number,
            **f.rule_params(rule),
        )
        if deleted:
            text = f"{text}\n{f.t('detection.deleted_note')}"
        base = {"cmd": CURATOR_WARNING, "c": chat.platform_chat_id, "n": record.case_number}
        keyboard = Keyboard.of(
            [
                Button(f.t("detection.button_confirm"), {**base, "a": "ok"}, "positive"),
                Button(f.t("detection.button_void"), {**base, "a": "void"}, "negative"),
            ]
        )
        await self._send(ledger, "warned", to, text, record, keyboard)

    async def review(
        self,
        ledger: Ledger,
        chat: Chat,
        record: AuditRecord,
        finding: Finding,
        rule: Rule | None,
        name: str,
        message_id: str,
        to: Sequence[str],
    ) -> None:
        """A finding for a person to judge: warn, delete, or mark it a false positive."""
        f = self.m.formats
        params = f.rule_params(rule) if rule is not None else {
            "rule_number": "—", "rule_title": finding.rule, "rule_text": "",
        }  # fmt: skip
        text = f.t(
            "detection.review",
            chat=self._chat(chat),
            name=name,
            detector=finding.detector,
            version=finding.version,
            confidence=f"{finding.confidence:.2f}",
            evidence=finding.evidence,
            case=record.case_number,
            **params,
        )
        base = {"cmd": REVIEW, "f": record.id}
        buttons = [Button(f.t("detection.button_warn"), {**base, "a": "warn"}, "negative")]
        if message_id:
            buttons.append(
                Button(f.t("detection.button_delete"), {**base, "a": "delete", "m": message_id})
            )
        buttons.append(Button(f.t("detection.button_false"), {**base, "a": "fp"}, "positive"))
        await self._send(ledger, "review", to, text, record, Keyboard.of(buttons[:2], buttons[2:]))

    async def blocked(
        self, ledger: Ledger, chat: Chat, d: BlockDecision, name: str, block_id: int
    ) -> None:
        """A `Blocking.on_block` hook: every block, whoever decided it."""
        f = self.m.formats
        block = await Blocks(ledger.session).get(block_id)
        record = await ledger.recorded("block")
        if block is None or record is None:
            return
        to = await self.recipients(ledger.session, chat, exclude=d.actor.user_id or "")
        text = f.t(
            "detection.blocked",
            chat=self._chat(chat),
            name=name,
            days=d.days,
            ends_at=f.when(d.ends_at),
            case=block.case_number,
            **f.rule_params(d.rule),
        )
        await self._send(ledger, "block", to, text, record)

    async def removed(
        self, ledger: Ledger, chat: Chat, record: AuditRecord, rule: Rule, actor: Actor, name: str
    ) -> None:
        """Hook of `Sanctions.remove`."""
        f = self.m.formats
        to = await self.recipients(ledger.session, chat, exclude=actor.user_id or "")
        text = f.t(
            "detection.removed",
            chat=self._chat(chat),
            name=name,
            case=record.case_number,
            **f.rule_params(rule),
        )
        await self._send(ledger, "remove", to, text, record)
