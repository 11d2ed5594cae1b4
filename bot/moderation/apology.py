"""The apology that starts an early unblock (regulation point 6, issue [5/11]).

An apology is relayed to the chat, so it must say something (at least 10 characters)
and must not be a copy of an earlier one. A rule marked `no_early_unblock` (personal
data by default) refuses the whole flow, and early releases per person are capped
per school term, so that apologising does not become a routine way out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from bot.moderation.blocks import BlockView
from bot.moderation.policy import ChatPolicy
from bot.moderation.refusal import Reason, Refusal
from bot.moderation.rules import Rule
from bot.moderation.terms import count_in_term
from bot.moderation.tokens import clean, normalize

__all__ = ["MAX_APOLOGY", "MIN_APOLOGY", "ApologyAccepted", "check_apology", "same_apology"]

MIN_APOLOGY = 10
MAX_APOLOGY = 1000
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = ".,!?…;:-—–()\"'«» "


def _tidy(text: str) -> str:
    return _SPACES.sub(" ", clean(text)).strip()


def same_apology(first: str, second: str) -> bool:
    """Equal after case, `ё`, spacing and edge punctuation are set aside."""

    def key(text: str) -> str:
        return normalize(_tidy(text)).strip(_EDGE_PUNCTUATION)

    return key(first) == key(second)


@dataclass(frozen=True, slots=True)
class ApologyAccepted:
    """An apology to store and relay to the moderators and the curator."""

    block_id: int
    text: str
    open_window_now: bool  # the policy opens the objection window at once

    @property
    def text_key(self) -> str:
        return "consent.apology_received"


def check_apology(
    text: str,
    previous_apologies: Sequence[str],
    block: BlockView,
    rule: Rule,
    *,
    policy: ChatPolicy,
    now: datetime,
    early_releases: Iterable[datetime] = (),
    window_open: bool = False,
    tz: tzinfo = UTC,
) -> ApologyAccepted | Refusal:
    """Accept an apology for `block`, or say why not.

    `early_releases` are the moments of the person's earlier early releases; those in
    the current term count against `policy.early_release_cap_per_term`.
    """
    if not block.in_force(now):
        return Refusal(Reason.NOT_BLOCKED)
    if rule.no_early_unblock:
        return Refusal(Reason.NO_EARLY_UNBLOCK, {"rule": rule.label, "ends_at": block.ends_at})
    cap = policy.early_release_cap_per_term
    if count_in_term(early_releases, now, tz) >= cap:
        return Refusal(Reason.EARLY_RELEASE_CAP, {"cap": cap, "ends_at": block.ends_at})
    if window_open:
        return Refusal(Reason.WINDOW_ALREADY_OPEN)
    tidy = _tidy(text)
    if len(tidy) < MIN_APOLOGY:
        return Refusal(Reason.APOLOGY_TOO_SHORT, {"min_length": MIN_APOLOGY})
    if len(tidy) > MAX_APOLOGY:
        return Refusal(Reason.APOLOGY_TOO_LONG, {"max_length": MAX_APOLOGY})
    if any(same_apology(tidy, earlier) for earlier in previous_apologies):
        return Refusal(Reason.APOLOGY_REPEATED)
    return ApologyAccepted(block.id, tidy, policy.consent_auto_open)
