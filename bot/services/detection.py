"""Automatic checks of every chat message (issue [6/11]).

The fast path touches no database: the chat's detection policy is cached by
`Regulation`, the flood counters are ephemeral-state hits (Redis when configured),
the detectors are pure, and the messages-seen counter is in memory. Only a finding
opens a transaction. Then the chat's mode per rule decides (`detection_policy.plan`):

- `review`: nothing in the chat; an audit row `finding` (actor: the detector) and a
  private notice with "Предупредить", "Удалить", "Ложное срабатывание" to the curators;
- `warn` / `delete_and_warn`: a warning through `Warnings.issue`, the moderators'
  own path (it cites the rule, counts as a strike, and may bring the block step),
  with the detector and its version as the actor, plus the deletion if the mode
  says so, and a notice to the curators.

Everyone is checked except the bot (its own messages never arrive as events). A
moderator's findings go to review rather than to an automatic warning, and a
moderator's commands are not checked at all (they quote rules and words).
Only the rule, the span and the detector's masked evidence are stored, never the text.

Decisions are keyed by the message, not the event, so an edited message that was
already warned is not warned again. Flood findings reach the curators at most once
per author and chat every `FLOOD_REVIEW_EVERY` seconds.
"""

from __future__ import annotations

from adapters.base import Event, EventKind
from bot.moderation import Actor, RuleSet, is_moderator
from bot.moderation.detection_policy import DetectionPlan, DetectionPolicy, plan
from bot.moderation.detectors import (
    DetectContext,
    Finding,
    FloodContext,
    detect,
    rate_key,
    repeat_key,
    text_fingerprint,
)
from bot.services.base import Moderation
from bot.services.blocking import BlockChange, Resync
from bot.services.curators import CuratorNotices
from bot.services.ledger import Ledger
from bot.services.seen import SeenCounter
from bot.services.warnings import Warnings
from storage.models import Chat

__all__ = ["FLOOD_REVIEW_EVERY", "Detection"]

FLOOD_REVIEW_EVERY = 600.0


class Detection:
    def __init__(
        self, m: Moderation, warnings: Warnings, curators: CuratorNotices, seen: SeenCounter
    ) -> None:
        self.m = m
        self.warnings = warnings
        self.curators = curators
        self.seen = seen
        self.checked = 0
        self.found = 0

    async def check(self, event: Event) -> None:
        """Count a chat message and check it (a new or an edited one)."""
        if event.is_private or not event.chat_id:
            return
        new = event.kind is EventKind.MESSAGE
        if new:
            self.seen.count(event.chat_id)
        if not event.text:
            return
        m = self.m
        policy = m.regulation.detection(m.platform, event.chat_id)
        flood = await self._flood(event, policy) if new else None
        findings = detect(event.text, DetectContext(flood))
        self.checked += 1
        if findings:
            self.found += 1
            await self._act(event, findings, policy)

    async def _flood(self, event: Event, policy: DetectionPolicy) -> FloodContext | None:
        if policy.mode("flood") == "off":
            return None
        state, limits = self.m.state, policy.limits
        scope = f"{event.platform}:{event.chat_id}"
        # A stable key and the state's sliding window: a burst across a window edge counts.
        same = f"{repeat_key(scope, event.user_id)}:{text_fingerprint(event.text)}"
        rate = rate_key(scope, event.user_id, 0, 1)
        recent, repeats = await state.hits(
            [(rate, limits.window_s), (same, policy.repeat_window_s)]
        )
        return FloodContext(recent, repeats, limits)

    async def _act(self, event: Event, findings: list[Finding], policy: DetectionPolicy) -> None:
        m, chat_id = self.m, event.chat_id
        key = f"{event.platform}:detect:{chat_id}:{event.message_id or event.key}"
        # The author's roster facts are read in the decision's transaction: one fewer
        # transaction between a violation and its warning. Nothing to decide: it ends
        # having written nothing.
        async with m.deciding(key) as ledger:
            facts = await m.moderators.facts(m.platform, chat_id, event.user_id, ledger.session)
            moderator = is_moderator(facts)
            if moderator and event.text.startswith("/"):
                return
            rules = m.regulation.rules(m.platform, chat_id)
            decided = plan(
                findings, policy, author_is_moderator=moderator, weight=lambda r: _weight(rules, r)
            )
            review = [f for f in decided.review if await self._fresh(event, f)]
            if decided.warn is None and not review:
                return
            name = await m.name(chat_id, event.user_id)
            fallback = list(await m.moderators.admins(chat_id))
            chat = await ledger.chat(chat_id)
            to = await self.curators.recipients(ledger.session, chat, fallback)
            change = await self._warn(ledger, chat, event, decided, rules, name, to)
            for finding in review:
                sub = Ledger(ledger.session, m.platform, f"{key}:{finding.rule}")
                await self._review(sub, chat, event, finding, rules, name, to)
        await self.warnings.blocking.settle(change)

    async def _fresh(self, event: Event, finding: Finding) -> bool:
        """Whether a review of this finding is worth a notice (flood: once in a while)."""
        if finding.rule != "flood":
            return True
        key = f"review:{event.platform}:{event.chat_id}:{event.user_id}:flood"
        return await self.m.state.remember(key, FLOOD_REVIEW_EVERY)

    async def _warn(
        self,
        ledger: Ledger,
        chat: Chat,
        event: Event,
        decided: DetectionPlan,
        rules: RuleSet,
        name: str,
        to: list[str],
    ) -> BlockChange | Resync | None:
        f = decided.warn
        rule = rules.get(f.rule) if f is not None else None
        if f is None or rule is None:
            return None
        m = self.m
        if await ledger.seen("warn"):
            return await self.warnings.blocking.resync(
                ledger, event.chat_id, event.user_id, m.clock.now()
            )
        policy = m.regulation.policy(m.platform, event.chat_id)
        actor = Actor.from_detector(f.detector, f.version)
        delete = decided.delete and bool(event.message_id)
        reply = None if delete else event.message_id or None
        change = await self.warnings.issue(
            ledger, chat, policy, rule, event.user_id, actor, _reason(f), m.clock.now(),
            name, to, reply, excerpt=f.evidence,
        )  # fmt: skip
        record = await ledger.recorded("warn")
        assert record is not None
        if delete:
            pid = chat.platform_chat_id
            await ledger.delete("detect:delete", pid, [event.message_id], audit_id=record.id)
        await self.curators.warned(ledger, chat, record, f, rule, name, delete, to)
        return change

    async def _review(
        self,
        ledger: Ledger,
        chat: Chat,
        event: Event,
        f: Finding,
        rules: RuleSet,
        name: str,
        to: list[str],
    ) -> None:
        if await ledger.seen("finding"):
            return
        rule = rules.get(f.rule)
        record = await ledger.record(
            "finding",
            Actor.from_detector(f.detector, f.version),
            chat.id,
            at=self.m.clock.now(),
            target=event.user_id,
            rule=rule,
            rule_code=f.rule,
            reason=_reason(f),
            excerpt=f.evidence,
        )
        await self.curators.review(ledger, chat, record, f, rule, name, event.message_id, to)


def _weight(rules: RuleSet, code: str) -> int:
    rule = rules.get(code)
    return rule.weight if rule is not None else 1


def _reason(f: Finding) -> str:
    """Where the detector matched, never what: `phone@6-22`."""
    return f"{f.kind or f.rule}@{f.span[0]}-{f.span[1]}"
