"""Flood: per-message excess always, rate and repeats from the caller's counters."""

from __future__ import annotations

import pytest

from bot.moderation.detectors import (
    DetectContext,
    FloodContext,
    FloodLimits,
    detect,
    detect_flood,
    rate_key,
    repeat_key,
    text_fingerprint,
)

MENTIONS = " ".join(f"@user{i}" for i in range(7))
VK_MENTIONS = " ".join(f"[id{i}|Имя]" for i in range(1, 8))

FLOOD_CASES = [
    # (text, context, expected kinds)
    ("привет", None, set()),
    ("ПРИВЕТ", None, set()),
    ("ДЗ НА ЗАВТРА", None, set()),
    ("ВСЕМ СРОЧНО ПРИЙТИ НА СОБРАНИЕ", None, {"caps"}),
    ("Всем Срочно Прийти На Собрание", None, set()),
    ("а" * 2_001, None, {"length"}),
    ("а" * 2_000, None, set()),
    (MENTIONS, None, {"mentions"}),
    (VK_MENTIONS, None, {"mentions"}),
    ("@a1b2 @c3d4 посмотрите", None, set()),
    ("ок", FloodContext(recent_messages=7), {"rate"}),
    ("ок", FloodContext(recent_messages=6), set()),
    ("ок", FloodContext(repeats=3), {"repeat"}),
    ("ок", FloodContext(repeats=2), set()),
    ("ок", FloodContext(recent_messages=3, limits=FloodLimits(max_messages=2)), {"rate"}),
    ("ок", FloodContext(recent_messages=20, repeats=5), {"rate", "repeat"}),
]


@pytest.mark.parametrize(("text", "context", "kinds"), FLOOD_CASES)
def test_flood(text: str, context: FloodContext | None, kinds: set[str]) -> None:
    found = detect_flood(text, context)
    assert {f.kind for f in found} == kinds
    assert all(f.rule == "flood" for f in found)


def test_detect_passes_flood_context() -> None:
    found = detect("ок", DetectContext(flood=FloodContext(recent_messages=50)))
    assert [f.rule for f in found] == ["flood"]


def test_counter_keys_are_per_chat_and_person() -> None:
    assert rate_key("c1", "u1", 100.0, 10) == rate_key("c1", "u1", 109.9, 10)
    assert rate_key("c1", "u1", 100.0, 10) != rate_key("c1", "u1", 110.0, 10)
    assert rate_key("c1", "u1", 0, 10) != rate_key("c2", "u1", 0, 10)
    assert repeat_key("c1", "u1") != repeat_key("c1", "u2")


def test_fingerprint_ignores_case_and_spacing_only() -> None:
    assert text_fingerprint("Привет  всем") == text_fingerprint("привет всем ")
    assert text_fingerprint("привет всем") != text_fingerprint("привет всех")
    assert "привет" not in text_fingerprint("привет")
