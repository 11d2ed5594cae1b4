"""The hand-made case table (cases.toml): every case must give exactly its rules."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.moderation.detectors import detect

_TABLE = tomllib.loads((Path(__file__).parent / "cases.toml").read_text("utf-8"))
CASES = [
    pytest.param(text, frozenset(rules.split()), id=f"{section}-{i}")
    for section, rows in _TABLE.items()
    for i, (text, rules) in enumerate(rows)
]


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 300


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_case(text: str, expected: frozenset[str]) -> None:
    found = detect(text)
    assert {f.rule for f in found} == expected, [(f.rule, f.evidence) for f in found]
    for f in found:
        assert 0 <= f.span[0] < f.span[1] <= len(text)
