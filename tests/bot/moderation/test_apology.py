from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.moderation import (
    ApologyAccepted,
    BlockView,
    ChatPolicy,
    Reason,
    Refusal,
    Rule,
    check_apology,
    default_ruleset,
    same_apology,
)

from .conftest import NOW

BLOCK = BlockView(4, "101", "flood", "mute", NOW - timedelta(days=1), NOW + timedelta(days=6))
_flood = default_ruleset().get("flood")
assert _flood is not None
FLOOD: Rule = _flood
DEFAULT = ChatPolicy()
TEXT = "Простите меня, пожалуйста, я был неправ"


def check(
    text: str = TEXT,
    *,
    rule: Rule = FLOOD,
    previous: Sequence[str] = (),
    block: BlockView = BLOCK,
    policy: ChatPolicy = DEFAULT,
    early_releases: Sequence[datetime] = (),
    window_open: bool = False,
) -> ApologyAccepted | Refusal:
    return check_apology(
        text,
        previous,
        block,
        rule,
        policy=policy,
        now=NOW,
        early_releases=early_releases,
        window_open=window_open,
    )


def test_accepted_is_trimmed() -> None:
    result = check("   Простите   меня,\nпожалуйста  ")
    assert result == ApologyAccepted(4, "Простите меня, пожалуйста", open_window_now=False)
    assert isinstance(result, ApologyAccepted)
    assert result.text_key == "consent.apology_received"


def test_auto_open_policy_is_passed_on() -> None:
    result = check(policy=ChatPolicy(consent_auto_open=True))
    assert isinstance(result, ApologyAccepted) and result.open_window_now


def test_too_short_after_trimming() -> None:
    assert check("  извините  ") == Refusal(Reason.APOLOGY_TOO_SHORT, {"min_length": 10})
    assert check("\u200b" * 20 + "прости") == Refusal(Reason.APOLOGY_TOO_SHORT, {"min_length": 10})
    assert isinstance(check("1234567890"), ApologyAccepted)


def test_too_long() -> None:
    assert check("я" * 1001) == Refusal(Reason.APOLOGY_TOO_LONG, {"max_length": 1000})


def test_repeat_is_refused() -> None:
    previous = ["ПРОСТИТЕ меня,   пожалуйста, я был неправ!"]
    assert check(previous=previous) == Refusal(Reason.APOLOGY_REPEATED)
    assert same_apology("Я всё осознал.", "я все   осознал")
    assert not same_apology("Я всё осознал", "Я всё осознала")


def test_no_early_unblock_rule(personal_data: Rule) -> None:
    result = check(rule=personal_data)
    assert isinstance(result, Refusal) and result.reason_key is Reason.NO_EARLY_UNBLOCK
    assert result.params["ends_at"] == BLOCK.ends_at


def test_per_term_cap() -> None:
    in_term = [NOW - timedelta(days=10), NOW - timedelta(days=20)]
    last_year = [NOW - timedelta(days=200), NOW - timedelta(days=220)]
    result = check(early_releases=in_term)
    assert result == Refusal(Reason.EARLY_RELEASE_CAP, {"cap": 2, "ends_at": BLOCK.ends_at})
    assert isinstance(check(early_releases=last_year), ApologyAccepted)
    assert isinstance(check(early_releases=in_term[:1]), ApologyAccepted)
    assert isinstance(check(policy=ChatPolicy(early_release_cap_per_term=0)), Refusal)


def test_block_must_be_in_force_and_no_window_open() -> None:
    ended = BlockView(4, "101", "flood", "mute", NOW - timedelta(days=2), NOW - timedelta(days=1))
    assert check(block=ended) == Refusal(Reason.NOT_BLOCKED)
    assert check(window_open=True) == Refusal(Reason.WINDOW_ALREADY_OPEN)
