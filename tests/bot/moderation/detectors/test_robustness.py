"""Arbitrary and pathological input: no exception, spans in range, no regex blowup.

The time bound is generous for a busy machine (the longest of these takes about
0.2 s alone and was seen at 0.7 s in a busy suite); bench/detect_speed.py measures
precisely. A catastrophic backtrack over this much text takes minutes, not seconds.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.moderation.detectors import detect

PATHOLOGICAL = [
    "х" * 50_000,
    "а " * 50_000,
    "1-" * 30_000,
    "@" * 50_000,
    "a@" * 25_000,
    "a." * 30_000 + "@",
    "x" * 50_000 + "@mail.ru",
    ". . " * 25_000,
    "-_-." * 25_000,
    "х.у." * 25_000,
    "*" * 50_000,
    "\u200b" * 50_000,
    "\u0301" * 50_000,
    "1" * 100_000,
    "1 " * 50_000,
    "ты " * 30_000 + "козел",
    "пишите " * 20_000 + "в телегу",
    "t.me/" * 20_000,
    "паспорт " * 10_000 + "45 06 123456",
    "ул. " * 25_000,
    "ПРИВЕТ " * 15_000,
    "[id1|a] " * 12_000,
    "е" * 30_000 + "б",
    "х" + "*" * 50_000,
    "х*" * 25_000,
    "ху" * 25_000,
    "пи" + "з" * 50_000,
    "бл" + "я" * 50_000 + "ть",
    "x" * 50_000,
    "3.14" * 25_000,
    "..." * 30_000,
    "т.е." * 25_000,
    # many findings in one message: overlap checks must not compare every pair
    "аблядь " * 15_000,
    "пишите в тг " * 9_000,
    "+79161234567 " * 7_000,
    "t.me/abcdef " * 8_000,
    "хуй " * 20_000,
    "a@b.ru " * 12_000,
    "ул. Ленина, д. 5, кв. 12 " * 4_000,
    "дом 5 кв 7 " * 9_000,
]


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=lambda t: repr(t[:8]))
def test_pathological_input_is_fast(text: str) -> None:
    start = time.perf_counter()
    found = detect(text)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"{elapsed:.2f} s"
    assert all(0 <= f.span[0] <= f.span[1] <= len(text) for f in found)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_detect_never_raises_and_spans_fit(text: str) -> None:
    for f in detect(text):
        assert 0 <= f.span[0] <= f.span[1] <= len(text)
        assert 0.0 <= f.confidence <= 1.0


CHAT_ALPHABET = "хуйпиздаебляХУЙ xyaeo0@3*#._- \u200b\u0301ты+7()89tme/."


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=CHAT_ALPHABET, max_size=120))
def test_disguised_text_never_raises(text: str) -> None:
    for f in detect(text):
        assert 0 <= f.span[0] < f.span[1] <= len(text)
