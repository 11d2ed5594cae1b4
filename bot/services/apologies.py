"""The apology that starts an early unblock, and the block's private notices (point 6).

A removed person cannot write in the chat, so the private route is the main one: the
block's private notice carries "Принести извинения", and `/извиниться <текст>` in a
private message apologises for the person's newest block in force. The button only
explains the command (a private message to the bot is how the text arrives). The
apology goes to the chat's moderators and curators with "Открыть голосование" and
"Отклонить"; a rejection uses one fixed reason from the catalogue
(`consent_flow.reject_reason`) rather than asking the moderator for one, to keep the
private dialogue to a single click.
"""

from __future__ import annotations

from adapters.base import Event
from bot.moderation import Actor, ApologyAccepted, BlockDecision, Reason, Refusal, check_apology
from bot.services.base import Moderation
from bot.services.consent_common import (
    APOLOGIZE,
    OPEN,
    REJECT,
    BlockCase,
    audit,
    button,
    keyboard,
    latest_window,
    load_case,
    may_moderate,
    recipients,
)
from bot.services.consent_windows import Windows
from bot.services.ledger import Ledger
from bot.services.payload import payload_int
from storage.models import Chat
from storage.repos import AuditLog, ConsentWindows, People
from storage.repos.person_record import PersonRecord

__all__ = ["Apologies"]

_ACCOUNT = {"vk": "vk_user_id", "max": "max_user_id"}


class Apologies:
    def __init__(self, m: Moderation, windows: Windows) -> None:
        self.m = m
        self.windows = windows

    async def apologize(self, event: Event, text: str) -> None:
        """`/извиниться <текст>` in a private message."""
        m, f, now, user = self.m, self.m.formats, self.m.clock.now(), event.user_id
        async with m.db.transaction() as session:
            record = PersonRecord(session, m.platform, user)
            blocks = await record.blocks_in_force(now)
            case = await load_case(m, session, blocks[0].id) if blocks else None
            earlier = [a.text for a in await ConsentWindows(session).apologies_by(user)]
            releases = await record.early_releases()
            current = await latest_window(session, blocks[0].id) if blocks else None
        if case is None:
            async with m.deciding(event.key) as ledger:
                await ledger.private("apology:none", user, f.t("consent_flow.not_blocked_self"))
            return
        d = check_apology(
            text,
            earlier,
            case.view,
            case.rule,
            policy=case.policy,
            now=now,
            early_releases=releases,
            window_open=current is not None and current.accepts_objections(now),
            tz=f.zone,
        )
        actor = Actor.person(user)
        if isinstance(d, Refusal):
            async with m.deciding(event.key) as ledger:
                record_ = await audit(
                    ledger, "apology_refused", actor, case, at=now, detail=d.reason_key.value
                )
                await ledger.private("apology:refused", user, f.refusal(d), audit_id=record_.id)
            return
        apology_id = await self._relay(event.key, case, d, actor)
        if apology_id is not None and d.open_window_now:
            await self.windows.open(apology_id, Actor.system())

    async def _relay(
        self, key: str, case: BlockCase, d: ApologyAccepted, actor: Actor
    ) -> int | None:
        m, f, now = self.m, self.m.formats, self.m.clock.now()
        name = await m.name(case.chat_id, case.block.target_user_id)
        to = await recipients(m, case)  # before the transaction: SQLite has one writer
        async with m.deciding(key) as ledger:
            if await ledger.seen("apology"):
                return None
            apology = await ConsentWindows(ledger.session).add_apology(
                case.block.id, case.block.target_user_id, d.text, at=now
            )
            record = await audit(ledger, "apology", actor, case, at=now, excerpt=d.text)
            sent = f.t("consent_flow.apology_sent", chat=case.title)
            await ledger.private("apology:sent", case.block.target_user_id, sent)
            text = f.t(
                "consent_flow.apology_for_moderators",
                chat=case.title,
                name=name,
                case=case.block.case_number,
                ends_at=f.when(case.block.ends_at),
                text=d.text,
                **f.rule_params(case.rule),
            )
            kb = keyboard(
                button(m, "consent.button_open", OPEN, "positive", a=apology.id),
                button(m, "consent.button_reject", REJECT, "negative", a=apology.id),
            )
            for user_id in to:
                await ledger.private(
                    f"apology:{user_id}", user_id, text, audit_id=record.id, keyboard=kb
                )
        return apology.id

    async def _apology_case(self, event: Event) -> tuple[int, BlockCase] | str:
        """The pressed apology and its block, if the presser moderates that chat."""
        m, f = self.m, self.m.formats
        apology_id = payload_int(event.payload, "a") or 0
        async with m.db.transaction() as session:
            apology = await ConsentWindows(session).apology(apology_id)
            case = await load_case(m, session, apology.block_id) if apology else None
        if case is None:
            return f.t("common.button_expired")
        if not await may_moderate(m, case, event.user_id):
            return f.t(Reason.NOT_MODERATOR.value)
        return apology_id, case

    async def open_pressed(self, event: Event) -> str:
        found = await self._apology_case(event)
        if isinstance(found, str):
            return found
        f = self.m.formats
        async with self.m.db.transaction() as session:
            rejected = await AuditLog(session).by_idempotency_key(
                f"apology:{found[0]}:window:apology_rejected"
            )
        if rejected is not None:
            return f.t("consent_flow.already_handled")
        row = await self.windows.open(found[0], Actor.person(event.user_id))
        if isinstance(row, Refusal):
            return f.refusal(row)
        return f.t("consent_flow.window_opened_done", closes_at=f.when(row.closes_at))

    async def reject_pressed(self, event: Event) -> str:
        m, f, now = self.m, self.m.formats, self.m.clock.now()
        found = await self._apology_case(event)
        if isinstance(found, str):
            return found
        apology_id, case = found
        async with m.db.transaction() as session:
            window = await ConsentWindows(session).latest_for_block(case.block.id)
        if window is not None and window.apology_id == apology_id:
            return f.t("consent_flow.already_handled")
        reason = f.t("consent_flow.reject_reason")
        async with m.deciding(f"apology:{apology_id}:window") as ledger:
            if await ledger.seen("apology_rejected") or await ledger.seen("window_opened"):
                return f.t("consent_flow.already_handled")
            actor = Actor.person(event.user_id)
            record = await audit(ledger, "apology_rejected", actor, case, at=now, detail=reason)
            text = f.t(
                "consent_flow.apology_rejected", reason=reason, ends_at=f.when(case.block.ends_at)
            )
            await ledger.private(
                "apology:rejected", case.block.target_user_id, text, audit_id=record.id
            )
        return f.t("consent_flow.rejected_done")

    async def apologize_pressed(self, event: Event) -> str:
        """ "Принести извинения" under the block's private notice: how to write one."""
        text = self.m.formats.t("consent_flow.how_to_apologize")
        async with self.m.deciding(event.key) as ledger:
            await ledger.private("apology:how", event.user_id, text)
        return self.m.formats.t("consent_flow.how_sent")

    async def block_started(
        self, ledger: Ledger, chat: Chat, d: BlockDecision, name: str, block_id: int
    ) -> None:
        """A `Blocking` hook: the blocked person's private notice and, if the school
        enables it, the notices to the parents the roster links to them."""
        f = self.m.formats
        params = {
            "chat": chat.title or chat.platform_chat_id,
            "name": name,
            "ends_at": f.when(d.ends_at),
            **f.rule_params(d.rule),
        }
        if d.rule.no_early_unblock:
            await ledger.private(
                "block:private", d.target, f.t("consent_flow.block_final", **params)
            )
        else:
            kb = keyboard(button(self.m, "consent.button_apologize", APOLOGIZE, b=block_id))
            text = f.t("consent_flow.block_private", **params)
            await ledger.private("block:private", d.target, text, keyboard=kb)
        column = _ACCOUNT.get(self.m.platform)
        if not d.notify_parents or column is None:
            return
        people = People(ledger.session)
        child = await people.by_account(self.m.platform, d.target)
        parents = await people.parents(child.person_id) if child is not None else []
        for parent in parents:
            account = getattr(parent, column)
            if account:
                text = f.t("consent_flow.parent_notice", **params)
                await ledger.private(f"block:parent:{account}", str(account), text)
