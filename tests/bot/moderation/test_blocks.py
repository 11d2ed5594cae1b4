from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.moderation import (
    Actor,
    BlockDecision,
    BlockView,
    ChatPolicy,
    Reason,
    Refusal,
    Rule,
    decide_block,
    decide_expiry,
)

from .conftest import NOW

TEACHER = Actor.person("900")


def view(ends_in: timedelta = timedelta(days=3), lifted: bool = False) -> BlockView:
    return BlockView(
        1, "101", "flood", "mute", NOW - timedelta(days=1), NOW + ends_in, NOW if lifted else None
    )


def test_block_ends_after_days(policy: ChatPolicy, flood: Rule) -> None:
    d = decide_block(policy, flood, 7, NOW, "101", TEACHER, "флуд")
    assert isinstance(d, BlockDecision)
    assert d.ends_at == NOW + timedelta(days=7) and d.starts_at == NOW
    assert d.mode == "mute" and d.rule is flood and not d.notify_parents
    assert d.text_key == "block.issued_mute"


def test_block_mode_and_parent_notice_from_policy(flood: Rule) -> None:
    policy = ChatPolicy(block_mode="remove", notify_parents_on_block=True)
    d = decide_block(policy, flood, 1, NOW, "101", TEACHER)
    assert isinstance(d, BlockDecision) and d.mode == "remove" and d.notify_parents


def test_31_days_refused(policy: ChatPolicy, flood: Rule) -> None:
    d = decide_block(policy, flood, 31, NOW, "101", TEACHER)
    assert d == Refusal(Reason.BLOCK_TOO_LONG, {"days": 31, "max_days": 30})
    assert isinstance(decide_block(policy, flood, 30, NOW, "101", TEACHER), BlockDecision)


def test_zero_days_refused(policy: ChatPolicy, flood: Rule) -> None:
    assert decide_block(policy, flood, 0, NOW, "101", TEACHER) == Refusal(
        Reason.BLOCK_TOO_SHORT, {"days": 0}
    )


def test_already_blocked_refused(policy: ChatPolicy, flood: Rule) -> None:
    current = view()
    d = decide_block(policy, flood, 3, NOW, "101", TEACHER, current=current)
    assert d == Refusal(Reason.ALREADY_BLOCKED, {"ends_at": current.ends_at})
    ended = view(ends_in=-timedelta(hours=1))
    assert isinstance(
        decide_block(policy, flood, 3, NOW, "101", TEACHER, current=ended), BlockDecision
    )


def test_block_view_states() -> None:
    assert view().in_force(NOW) and view().is_open
    assert not view(lifted=True).in_force(NOW)
    assert not view(ends_in=timedelta(0)).in_force(NOW)


def test_expiry_unblock_runs_once_due() -> None:
    assert decide_expiry(view(), NOW) is None
    due = decide_expiry(view(ends_in=-timedelta(hours=5)), NOW)  # came due while down
    assert due is not None and due.kind == "expired" and not due.early
    assert due.actor == Actor.system() and due.text_key == "block.lifted_expired"
    assert decide_expiry(view(ends_in=-timedelta(hours=5), lifted=True), NOW) is None


@given(days=st.integers(), max_days=st.integers(min_value=1, max_value=365))
def test_longer_than_max_always_refused(flood: Rule, days: int, max_days: int) -> None:
    d = decide_block(ChatPolicy(max_block_days=max_days), flood, days, NOW, "101", TEACHER)
    if days > max_days or days < 1:
        assert isinstance(d, Refusal)
    else:
        assert isinstance(d, BlockDecision) and d.ends_at - d.starts_at == timedelta(days=days)
