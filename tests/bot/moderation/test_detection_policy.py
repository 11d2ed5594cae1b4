"""The per-chat detector modes and what one message's findings lead to (pure)."""

from __future__ import annotations

import pytest

from bot.moderation import PolicyError
from bot.moderation.detection_policy import DEFAULT_MODES, DetectionPolicy, plan, split_policy
from bot.moderation.detectors import Finding, detect


def f(rule: str, confidence: float = 0.9, start: int = 0, detector: str = "") -> Finding:
    return Finding(rule, detector or rule, "1.0", confidence, (start, start + 3), "x")


def test_defaults_follow_the_issue() -> None:
    p = DetectionPolicy()
    assert dict(p.modes) == dict(DEFAULT_MODES)
    assert p.mode("insult") == p.mode("flood") == "review"
    assert p.mode("obscene") == p.mode("foreign_messenger") == "warn"
    assert p.mode("personal_data") == "delete_and_warn"
    assert p.limits.max_messages == 6 and p.repeat_window_s == 300


def test_a_chat_table_is_laid_over_the_school_one() -> None:
    school = DetectionPolicy.from_mapping({"insult": "off", "limits": {"max_messages": 10}})
    chat = school.merged({"obscene": "review", "limits": {"window_s": 30, "caps_ratio": 0.9}})
    assert chat.mode("insult") == "off" and chat.mode("obscene") == "review"
    assert chat.limits.max_messages == 10 and chat.limits.window_s == 30
    assert chat.limits.caps_ratio == 0.9 and school.limits.window_s == 10


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ({"obscene": "ban"}, "'obscene'"),
        ({"spam": "warn"}, "'spam'"),
        ({"limits": {"max_messages": 0}}, "limits.max_messages"),
        ({"limits": {"max_messages": True}}, "limits.max_messages"),
        ({"limits": {"foo": 1}}, "limits.foo"),
        ({"limits": 3}, "'limits'"),
    ],
)
def test_mistakes_name_the_field(table: dict[str, object], field: str) -> None:
    with pytest.raises(PolicyError, match=field.replace(".", r"\.")):
        DetectionPolicy.from_mapping(table)


def test_split_policy_keeps_the_chat_policy_clean() -> None:
    rest, detectors = split_policy({"strike_threshold": 2, "detectors": {"insult": "warn"}})
    assert rest == {"strike_threshold": 2} and detectors == {"insult": "warn"}
    with pytest.raises(PolicyError):
        split_policy({"detectors": "warn"})


def test_one_warning_per_message_the_heaviest_then_most_confident() -> None:
    p = DetectionPolicy()
    weights = {"personal_data": 2}
    decided = plan(
        [f("obscene", 0.95), f("personal_data", 0.9, 5), f("insult", 0.8, 9)],
        p,
        weight=lambda r: weights.get(r, 1),
    )
    assert decided.warn is not None and decided.warn.rule == "personal_data"
    assert decided.delete  # personal data's mode is delete_and_warn
    assert [x.rule for x in decided.review] == ["insult"]


def test_review_off_and_low_confidence() -> None:
    p = DetectionPolicy.from_mapping({"flood": "off"})
    decided = plan([f("obscene", 0.6), f("flood"), f("insult"), f("insult", 0.85, 4)], p)
    assert decided.warn is None and not decided.delete
    assert sorted((x.rule, x.confidence) for x in decided.review) == [
        ("insult", 0.9),
        ("obscene", 0.6),
    ]
    assert not plan([f("flood")], p)


def test_a_moderator_is_reviewed_not_warned() -> None:
    decided = plan([f("obscene", 0.95)], DetectionPolicy(), author_is_moderator=True)
    assert decided.warn is None and [x.rule for x in decided.review] == ["obscene"]


def test_a_school_may_switch_a_rule_to_warn() -> None:
    p = DetectionPolicy.from_mapping({"insult": "warn"})
    decided = plan(detect("ты дебил"), p)
    assert decided.warn is not None and decided.warn.rule == "insult" and not decided.delete


def test_innocent_words_plan_nothing() -> None:
    assert not plan(detect("скипидар, команда, употреблять, психология"), DetectionPolicy())
