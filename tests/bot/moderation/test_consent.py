from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.moderation import (
    BlockView,
    ChatPolicy,
    ConsentWindow,
    ObjectionAccepted,
    ObjectionIgnored,
    Reason,
    Refusal,
    Rule,
    WindowDecision,
    WindowOutcome,
    close_window,
    open_window,
    record_objection,
)

from .conftest import NOW

HOUR = timedelta(hours=1)
BLOCK = BlockView(4, "101", "flood", "mute", NOW - timedelta(days=1), NOW + timedelta(days=6))
DEFAULT = ChatPolicy()
MEMBERS = ["101", "201", "202", "900"]


def opened(flood: Rule, policy: ChatPolicy = DEFAULT) -> ConsentWindow:
    decision = open_window(BLOCK, NOW, policy, MEMBERS, rule=flood)
    assert isinstance(decision, WindowDecision)
    return replace(decision.window, id=11)


def test_open_snapshots_voters_without_the_blocked_person(flood: Rule) -> None:
    decision = open_window(BLOCK, NOW, ChatPolicy(), MEMBERS, rule=flood)
    assert isinstance(decision, WindowDecision)
    window = decision.window
    assert window.eligible_voters == frozenset({"201", "202", "900"})
    assert window.opened_at == NOW and window.closes_at == NOW + 24 * HOUR
    assert window.status == "open" and window.block_id == 4
    assert decision.text_key == "consent.window_notice"


def test_window_length_from_policy(flood: Rule) -> None:
    window = opened(flood, ChatPolicy(consent_window_hours=6))
    assert window.closes_at == NOW + 6 * HOUR


def test_open_refusals(flood: Rule, personal_data: Rule) -> None:
    policy = ChatPolicy()
    assert isinstance(open_window(BLOCK, NOW, policy, MEMBERS, rule=personal_data), Refusal)
    short = replace(BLOCK, ends_at=NOW + 10 * HOUR)
    assert open_window(short, NOW, policy, MEMBERS, rule=flood) == Refusal(
        Reason.WINDOW_OUTLASTS_BLOCK, {"ends_at": short.ends_at}
    )
    lifted = replace(BLOCK, lifted_at=NOW)
    assert open_window(lifted, NOW, policy, MEMBERS, rule=flood) == Refusal(Reason.NOT_BLOCKED)
    current = opened(flood)
    again = open_window(BLOCK, NOW + HOUR, policy, MEMBERS, rule=flood, current=current)
    assert again == Refusal(Reason.WINDOW_ALREADY_OPEN, {"closes_at": current.closes_at})
    after_objection = replace(current, status="objected")
    reopened = open_window(BLOCK, NOW + HOUR, policy, MEMBERS, rule=flood, current=after_objection)
    assert isinstance(reopened, WindowDecision)


def test_one_objection_keeps_the_block(flood: Rule) -> None:
    window = opened(flood)
    result = record_objection(window, "201", NOW + HOUR)
    assert isinstance(result, ObjectionAccepted)
    assert result.window.status == "objected" and result.window.objectors == {"201"}
    assert result.outcome == WindowOutcome(4, 11, "objected", "block_stays")
    assert result.outcome.text_key == "consent.outcome_block_stays"
    assert result.text_key == "consent.objection_accepted"


def test_ignored_objections(flood: Rule) -> None:
    window = opened(flood)
    assert record_objection(window, "999", NOW) == ObjectionIgnored("not_eligible")
    assert record_objection(window, "101", NOW) == ObjectionIgnored("not_eligible")  # blocked
    late = record_objection(window, "201", window.closes_at)
    assert late == ObjectionIgnored("closed") and late.text_key == "consent.ignored_closed"
    accepted = record_objection(window, "201", NOW)
    assert isinstance(accepted, ObjectionAccepted)
    assert record_objection(accepted.window, "201", NOW) == ObjectionIgnored("already_objected")
    assert record_objection(accepted.window, "202", NOW) == ObjectionIgnored("closed")


def test_close_with_no_objection(flood: Rule) -> None:
    window = opened(flood)
    assert close_window(window, NOW + HOUR, ChatPolicy()) == Refusal(
        Reason.WINDOW_STILL_OPEN, {"closes_at": window.closes_at}
    )
    waiting = close_window(window, window.closes_at, ChatPolicy())
    assert waiting == WindowOutcome(4, 11, "passed", "await_moderator")
    auto = close_window(window, window.closes_at + HOUR, ChatPolicy(consent_auto_unblock=True))
    assert auto == WindowOutcome(4, 11, "passed", "unblock")
    assert auto.text_key == "consent.outcome_unblock"


def test_close_is_idempotent_and_counts_racing_objections(flood: Rule) -> None:
    window = opened(flood)
    raced = replace(window, objectors=frozenset({"201", "202"}))
    assert close_window(raced, NOW + HOUR, ChatPolicy()).status == "objected"  # type: ignore[union-attr]
    for status in ("objected", "cancelled"):
        closed = replace(window, status=status)
        outcome = close_window(closed, NOW + 48 * HOUR, ChatPolicy())
        assert isinstance(outcome, WindowOutcome) and outcome.result == "block_stays"
    passed = replace(window, status="passed")
    assert close_window(passed, NOW, ChatPolicy()).result == "await_moderator"  # type: ignore[union-attr]
