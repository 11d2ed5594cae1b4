from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.moderation import (
    Actor,
    BlockView,
    ChatPolicy,
    ConsentWindow,
    Reason,
    Refusal,
    Rule,
    UnblockDecision,
    decide_unblock,
)

from .conftest import NOW

HOUR = timedelta(hours=1)
TEACHER = Actor.person("900")
BLOCK = BlockView(4, "101", "flood", "mute", NOW - timedelta(days=1), NOW + timedelta(days=6))
WINDOW = ConsentWindow(4, NOW - HOUR, NOW + 23 * HOUR, frozenset({"201"}), id=11)


def test_plain_unblock_without_consent_is_refused(policy: ChatPolicy, flood: Rule) -> None:
    result = decide_unblock(BLOCK, None, policy, NOW, TEACHER, flood)
    assert result == Refusal(Reason.UNBLOCK_NEEDS_CONSENT, {"ends_at": BLOCK.ends_at})


def test_refused_while_window_open_with_its_end(policy: ChatPolicy, flood: Rule) -> None:
    result = decide_unblock(BLOCK, WINDOW, policy, NOW, TEACHER, flood)
    assert result == Refusal(Reason.UNBLOCK_WINDOW_OPEN, {"closes_at": WINDOW.closes_at})


def test_override_is_logged_as_such(flood: Rule) -> None:
    policy = ChatPolicy(moderator_override=True)
    result = decide_unblock(BLOCK, WINDOW, policy, NOW, TEACHER, flood, "ошибка")
    assert isinstance(result, UnblockDecision)
    assert result.kind == "override" and result.early and result.window_id == 11
    assert result.text_key == "block.lifted_override" and result.reason == "ошибка"
    no_window = decide_unblock(BLOCK, None, policy, NOW, TEACHER, flood)
    assert isinstance(no_window, UnblockDecision) and no_window.kind == "override"


def test_after_window_passed(policy: ChatPolicy, flood: Rule) -> None:
    passed = replace(WINDOW, status="passed")
    result = decide_unblock(BLOCK, passed, policy, NOW, TEACHER, flood)
    assert isinstance(result, UnblockDecision) and result.kind == "consent"
    assert (result.block_id, result.target, result.rule_code, result.mode) == (
        4,
        "101",
        "flood",
        "mute",
    )
    # the deadline came while the bot was down and the window is still marked open
    due = decide_unblock(BLOCK, WINDOW, policy, WINDOW.closes_at, Actor.system(), flood)
    assert isinstance(due, UnblockDecision) and due.kind == "consent"


def test_after_objection(policy: ChatPolicy, flood: Rule) -> None:
    objected = replace(WINDOW, status="objected", objectors=frozenset({"201"}))
    result = decide_unblock(BLOCK, objected, policy, NOW, TEACHER, flood)
    assert result == Refusal(Reason.UNBLOCK_OBJECTED, {"ends_at": BLOCK.ends_at})
    other_block = replace(WINDOW, block_id=99, status="passed")
    assert isinstance(decide_unblock(BLOCK, other_block, policy, NOW, TEACHER, flood), Refusal)


def test_no_early_unblock_even_with_override(personal_data: Rule) -> None:
    policy = ChatPolicy(moderator_override=True)
    passed = replace(WINDOW, status="passed")
    result = decide_unblock(BLOCK, passed, policy, NOW, TEACHER, personal_data)
    assert isinstance(result, Refusal) and result.reason_key is Reason.NO_EARLY_UNBLOCK


def test_due_or_lifted_blocks(policy: ChatPolicy, flood: Rule) -> None:
    due = decide_unblock(BLOCK, None, policy, BLOCK.ends_at, TEACHER, flood)
    assert isinstance(due, UnblockDecision) and due.kind == "expired" and not due.early
    lifted = replace(BLOCK, lifted_at=NOW)
    assert decide_unblock(lifted, None, policy, NOW, TEACHER, flood) == Refusal(Reason.NOT_BLOCKED)
