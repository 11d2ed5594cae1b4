"""The objection window: open it, count an objection, close it on time (point 6).

The window's deadline is stored (`consent_windows.closes_at`); the timer named
`window:<id>` is only the clock, re-armed from the database at start (`rearm`). The
chat sees a neutral notice with one "Возражаю" button; a press is answered to the
presser alone, so the chat sees neither a count nor names. Closing is a conditional
update, so a timer and an objection racing settle a window exactly once.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from adapters.base import Event
from bot.moderation import (
    Actor,
    ObjectionIgnored,
    Reason,
    Refusal,
    UnblockDecision,
    WindowOutcome,
    close_window,
    decide_unblock,
    open_window,
    record_objection,
)
from bot.services.base import Moderation
from bot.services.blocking import BlockChange, Blocking
from bot.services.consent_common import (
    CONFIRM,
    OBJECT,
    BlockCase,
    audit,
    button,
    keyboard,
    latest_window,
    load_case,
    may_moderate,
    recipients,
    window_view,
)
from bot.services.ledger import Ledger
from bot.services.payload import payload_int
from storage.models import ConsentWindow as WindowRow
from storage.repos import ConsentWindows, Memberships

__all__ = ["Windows"]


class Windows:
    def __init__(self, m: Moderation, blocking: Blocking) -> None:
        self.m = m
        self.blocking = blocking

    async def voters(self, case: BlockCase) -> set[str]:
        """Who is in the chat now: the platform's list, else the stored memberships."""
        self.m.moderators.forget(case.chat_id)
        found = set(await self.m.moderators.members(case.chat_id))
        if not found:
            async with self.m.db.transaction() as session:
                found = {s.user_id for s in await Memberships(session).members(case.chat.id)}
        return found

    async def open(self, apology_id: int, actor: Actor) -> WindowRow | Refusal:
        """Open the window for an apology (a moderator's button, or `auto_open`)."""
        m, now = self.m, self.m.clock.now()
        async with m.db.transaction() as session:
            apology = await ConsentWindows(session).apology(apology_id)
            case = await load_case(m, session, apology.block_id) if apology else None
            current = await latest_window(session, apology.block_id) if apology else None
        if apology is None or case is None:
            return Refusal(Reason.NOT_BLOCKED)
        d = open_window(
            case.view, now, case.policy, await self.voters(case), rule=case.rule, current=current
        )
        if isinstance(d, Refusal):
            return d
        f = m.formats
        name = await m.name(case.chat_id, case.block.target_user_id)
        async with m.deciding(f"apology:{apology_id}:window") as ledger:
            if await ledger.seen("window_opened"):
                return Refusal(Reason.WINDOW_ALREADY_OPEN)
            row = await ConsentWindows(ledger.session).open(
                case.block.id,
                closes_at=d.window.closes_at,
                eligible_voters=d.window.eligible_voters,
                apology_id=apology_id,
                opened_at=now,
            )
            record = await audit(
                ledger, "window_opened", actor, case, at=now, detail=f"window:{row.id}"
            )
            text = f.t(
                d.text_key,
                name=name,
                text=apology.text,
                closes_at=f.when(row.closes_at),
                **f.rule_params(case.rule),
            )
            kb = keyboard(button(m, "consent.button_object", OBJECT, "negative", w=row.id))
            await ledger.send("window", case.chat_id, text, audit_id=record.id, keyboard=kb)
        self.arm(row)
        return row

    def arm(self, row: WindowRow) -> None:
        self.m.timers.arm(f"window:{row.id}", row.closes_at, partial(self.close_due, row.id))

    async def _load(self, window_id: int) -> tuple[WindowRow, list[str], BlockCase] | None:
        async with self.m.db.transaction() as session:
            repo = ConsentWindows(session)
            row = await repo.get(window_id)
            case = await load_case(self.m, session, row.block_id) if row is not None else None
            objectors = await repo.objectors(window_id) if row is not None else []
        return (row, objectors, case) if row is not None and case is not None else None

    async def object(self, event: Event) -> str:
        """The "Возражаю" button: the answer only the presser sees."""
        m, f, now = self.m, self.m.formats, self.m.clock.now()
        loaded = await self._load(_id(event, "w"))
        if loaded is None or loaded[2].chat_id != event.chat_id:
            return f.t("common.button_expired")
        row, objectors, case = loaded
        result = record_objection(window_view(row, objectors), event.user_id, now)
        if isinstance(result, ObjectionIgnored):
            return f.t(result.text_key)
        notice = await self._notice(case)
        async with m.deciding(event.key) as ledger:
            repo = ConsentWindows(ledger.session)
            if not await repo.add_objection(row.id, event.user_id, at=now):
                return f.t("consent.ignored_already_objected")
            actor = Actor.person(event.user_id)
            await audit(ledger, "objection", actor, case, at=now, detail=f"window:{row.id}")
            closed = await repo.close(row.id, "objected")
            if closed:
                await self._settled(ledger, case, row, result.outcome, notice)
        if closed:
            m.timers.cancel(f"window:{row.id}")
        return f.t(result.text_key)

    async def close_due(self, window_id: int) -> None:
        """The `window:<id>` timer: settle the window, and unblock when the policy says so."""
        m, now = self.m, self.m.clock.now()
        loaded = await self._load(window_id)
        if loaded is None or loaded[0].status != "open":
            return
        row, objectors, case = loaded
        view = window_view(row, objectors)
        if not case.view.in_force(now):  # the block ended or was lifted meanwhile
            outcome = WindowOutcome(case.block.id, row.id, "cancelled", "block_stays")
        else:
            decided = close_window(view, now, case.policy)
            if isinstance(decided, Refusal):
                self.arm(row)
                return
            outcome = decided
        change: BlockChange | None = None
        notice = await self._notice(case)
        target = case.block.target_user_id
        async with m.deciding(f"window-end:{window_id}") as ledger:
            replay = None
            if not await ConsentWindows(ledger.session).close(row.id, outcome.status):
                # Closed before, perhaps by this timer's first run: its effects again.
                replay = await self.blocking.resync(ledger, case.chat_id, target, now)
            else:
                await self._settled(ledger, case, row, outcome, notice)
                if outcome.result == "unblock":
                    passed = replace(view, status="passed")
                    d = decide_unblock(
                        case.view, passed, case.policy, now, Actor.system(), case.rule
                    )
                    if isinstance(d, UnblockDecision):
                        name = notice[0]
                        change = await self.blocking.lift(ledger, case.chat, case.block, d, name)
        await self.blocking.settle(replay)
        if change is not None:
            await self.blocking.ended(change)

    async def _notice(self, case: BlockCase) -> tuple[str, list[str]]:
        """The blocked person's name and who is told the outcome, read before the
        outcome's transaction (SQLite has one writer; these reads open their own)."""
        name = await self.m.name(case.chat_id, case.block.target_user_id)
        return name, await recipients(self.m, case)

    async def _settled(
        self,
        ledger: Ledger,
        case: BlockCase,
        row: WindowRow,
        outcome: WindowOutcome,
        notice: tuple[str, list[str]],
    ) -> None:
        """The outcome's audit row, the chat's neutral line, the moderators' notices."""
        m, f, now = self.m, self.m.formats, self.m.clock.now()
        detail = f"window:{row.id} {outcome.status} {outcome.result}"
        record = await audit(ledger, "window_closed", Actor.system(), case, at=now, detail=detail)
        if outcome.status == "cancelled":
            return
        if outcome.result != "unblock":
            text = f.t(outcome.text_key, ends_at=f.when(case.block.ends_at))
            await ledger.send("window:outcome", case.chat_id, text, audit_id=record.id)
        name, to = notice
        params = {"chat": case.title, "name": name, "case": case.block.case_number}
        kb = None
        if outcome.result == "block_stays":
            key = "consent_flow.objected_notice"
            params["ends_at"] = f.when(case.block.ends_at)
        elif outcome.result == "unblock":
            key = "consent_flow.passed_auto_notice"
        else:
            key = "consent_flow.passed_notice"
            kb = keyboard(button(m, "consent.button_confirm", CONFIRM, "positive", w=row.id))
        for user_id in to:
            await ledger.private(
                f"window:notice:{user_id}", user_id, f.t(key, **params), keyboard=kb
            )

    async def confirm(self, event: Event) -> str:
        """The moderator's one click after a window passed with no objection."""
        m, f, now = self.m, self.m.formats, self.m.clock.now()
        loaded = await self._load(_id(event, "w"))
        if loaded is None:
            return f.t("common.button_expired")
        row, objectors, case = loaded
        if not await may_moderate(m, case, event.user_id):
            return f.t(Reason.NOT_MODERATOR.value)
        view = window_view(row, objectors)
        actor = Actor.person(event.user_id)
        d = decide_unblock(case.view, view, case.policy, now, actor, case.rule)
        if isinstance(d, Refusal):
            return f.refusal(d)
        name = await m.name(case.chat_id, case.block.target_user_id)
        target = case.block.target_user_id
        async with m.deciding(event.key) as ledger:
            change = await self.blocking.lift(ledger, case.chat, case.block, d, name)
            replay = None
            if change is None:  # lifted before, perhaps by this click's first run
                replay = await self.blocking.resync(ledger, case.chat_id, target, now)
        if change is None:
            await self.blocking.settle(replay)
            return f.t(Reason.NOT_BLOCKED.value)
        await self.blocking.ended(change)
        return f.t("consent_flow.confirmed_done")

    async def rearm(self) -> int:
        """At start: arm every open window's deadline; those already due close now."""
        async with self.m.db.transaction() as session:
            rows = await ConsentWindows(session).open_windows()
        now = self.m.clock.now()
        for row in rows:
            if row.closes_at <= now:
                await self.close_due(row.id)
            else:
                self.arm(row)
        return len(rows)


def _id(event: Event, key: str) -> int:
    return payload_int(event.payload, key) or 0
