from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.moderation import (
    Actor,
    ChatPolicy,
    Reason,
    Refusal,
    Rule,
    RuleSet,
    StrikeView,
    decide_delete,
    decide_remove,
    decide_void,
    decide_warning,
)

from .conftest import NOW

TEACHER = Actor.person("900")


def test_first_warning_adds_an_expiring_strike(policy: ChatPolicy, flood: Rule) -> None:
    d = decide_warning(policy, flood, "101", 0, NOW, TEACHER, "спам стикерами")
    assert (d.active_before, d.active_after, d.weight) == (0, 1, 1)
    assert d.expires_at == NOW + timedelta(days=90) and d.created_at == NOW
    assert d.next_step == "none" and d.block_days is None and d.remaining == 3
    assert d.rule is flood and d.rule.version == "2026-09"
    assert d.reminder == "chat" and d.reason == "спам стикерами"
    assert d.text_key == "warning.issued" and d.next_step_key == "warning.next_none"


def test_fourth_strike_proposes_a_block(policy: ChatPolicy, flood: Rule) -> None:
    third = decide_warning(policy, flood, "101", 2, NOW, TEACHER)
    assert third.next_step == "none" and third.remaining == 1
    fourth = decide_warning(policy, flood, "101", 3, NOW, TEACHER)
    assert fourth.next_step == "propose_block" and fourth.remaining == 0
    assert fourth.block_days == flood.default_block_days
    assert fourth.next_step_key == "warning.next_propose_block"


def test_auto_mode_blocks(flood: Rule) -> None:
    d = decide_warning(ChatPolicy(on_threshold="auto"), flood, "101", 3, NOW, TEACHER)
    assert d.next_step == "block" and d.next_step_key == "warning.next_block"


def test_block_length_is_capped_by_policy(flood: Rule) -> None:
    long_rule = replace(flood, default_block_days=60)
    d = decide_warning(ChatPolicy(max_block_days=10), long_rule, "101", 5, NOW, TEACHER)
    assert d.block_days == 10


def test_already_blocked_gets_no_second_block_step(policy: ChatPolicy, flood: Rule) -> None:
    d = decide_warning(policy, flood, "101", 5, NOW, TEACHER, currently_blocked=True)
    assert d.next_step == "none" and d.active_after == 6


def test_weight_counts(policy: ChatPolicy, flood: Rule) -> None:
    heavy = replace(flood, weight=2)
    assert decide_warning(policy, heavy, "101", 2, NOW, TEACHER).next_step == "propose_block"


def test_policy_reminder_route_and_no_expiry(flood: Rule) -> None:
    policy = ChatPolicy(reminder="private", strike_ttl_days=0)
    d = decide_warning(policy, flood, "101", 0, NOW, Actor.from_detector("flood", "1.0"))
    assert d.reminder == "private" and d.expires_at is None
    assert d.actor.kind == "detector" and d.actor.detector_version == "1.0"


def test_void_once() -> None:
    strike = StrikeView(7, "flood", 1, NOW, None, case_number=12)
    d = decide_void(strike, NOW, TEACHER, "ошибся человеком")
    assert not isinstance(d, Refusal)
    assert (d.strike_id, d.rule_code, d.voided_at) == (7, "flood", NOW)
    assert d.reason == "ошибся человеком"
    again = decide_void(replace(strike, voided_at=NOW), NOW, TEACHER)
    assert again == Refusal(Reason.ALREADY_VOIDED, {"case": 12})


def test_remove_and_delete_cite_the_rule(rules: RuleSet) -> None:
    insult = rules.resolve("оск")
    assert insult is not None
    removal = decide_remove(insult, "101", NOW, TEACHER, "травля")
    assert removal.rule is insult and removal.at == NOW and removal.target == "101"
    deletion = decide_delete(insult, "m-5", "101", NOW, TEACHER)
    assert deletion.rule is insult and deletion.message_id == "m-5"


@given(
    before=st.integers(min_value=0, max_value=50),
    weight=st.integers(min_value=1, max_value=10),
    threshold=st.integers(min_value=1, max_value=10),
    mode=st.sampled_from(["propose", "auto"]),
)
def test_more_than_threshold_always_brings_the_block_step(
    flood: Rule, before: int, weight: int, threshold: int, mode: str
) -> None:
    policy = ChatPolicy.from_mapping({"strike_threshold": threshold, "on_threshold": mode})
    d = decide_warning(policy, replace(flood, weight=weight), "101", before, NOW, TEACHER)
    if before + weight > threshold:
        assert d.next_step == ("block" if mode == "auto" else "propose_block")
        assert d.block_days is not None and 1 <= d.block_days <= policy.max_block_days
    else:
        assert d.next_step == "none" and d.block_days is None


@given(before=st.integers(min_value=3, max_value=100))
def test_fourth_active_strike_with_defaults(flood: Rule, before: int) -> None:
    assert decide_warning(ChatPolicy(), flood, "1", before, NOW, TEACHER).next_step != "none"
