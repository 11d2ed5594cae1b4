"""What a detector reports: a `Finding`, and the masking that keeps evidence safe.

A finding is what the audit log keeps instead of the message (152-FZ: the text of
ordinary messages is never stored), so its evidence must never hold personal data
in clear: `mask_digits` keeps only the shape of a number and its last digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

__all__ = ["RULES", "Finding", "Span", "disjoint", "excerpt", "mask_digits", "mask_word"]

Span = tuple[int, int]
T = TypeVar("T")

#: Canonical rule codes a detector may report (the DESIGN.md table).
RULES = frozenset({"obscene", "insult", "personal_data", "flood", "foreign_messenger"})

_EXCERPT_MAX = 80


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspected violation; `span` indexes the original, unnormalized text."""

    rule: str
    detector: str
    version: str
    confidence: float
    span: Span
    evidence: str
    kind: str = ""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown rule code {self.rule!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} out of 0..1")
        start, end = self.span
        if not 0 <= start <= end:
            raise ValueError(f"bad span {self.span}")

    def as_dict(self) -> dict[str, object]:
        """The shape `etiket detect` prints."""
        return {
            "rule": self.rule,
            "detector": self.detector,
            "confidence": round(self.confidence, 3),
            "span": [self.span[0], self.span[1]],
        }


def disjoint(items: list[tuple[Span, int, T]]) -> list[tuple[Span, T]]:
    """Drop items overlapping an earlier one; at the same start the lower rank wins.

    One sort and one sweep: a 100 kB message with thousands of matches must not
    compare every pair.
    """
    kept: list[tuple[Span, T]] = []
    last_end = -1
    for span, _rank, item in sorted(items, key=lambda x: (x[0][0], x[1], -x[0][1])):
        if span[0] >= last_end:
            kept.append((span, item))
            last_end = span[1]
    return kept


def excerpt(text: str, span: Span) -> str:
    """The matched text, cut so a 100 kB span never lands in the audit log."""
    piece = text[span[0] : span[1]]
    if len(piece) > _EXCERPT_MAX:
        return piece[: _EXCERPT_MAX - 1] + "…"
    return piece


def mask_digits(piece: str, keep_head: int = 1, keep_tail: int = 2) -> str:
    """`+7 916 123 45 12` -> `+7 9** *** ** 12`: separators stay, digits become `*`.

    A leading `+7` or `8` country prefix is not counted as a head digit, so a phone
    keeps the operator's first digit and the last two, as the moderators asked.
    """
    digits = [i for i, ch in enumerate(piece) if ch.isdigit()]
    skip = 0
    stripped = piece.lstrip()
    if stripped.startswith("+7") or (len(digits) == 11 and piece[digits[0]] in "78"):
        skip = 1
    keep = set(digits[: skip + keep_head]) | set(digits[max(0, len(digits) - keep_tail) :])
    return "".join(ch if not ch.isdigit() or i in keep else "*" for i, ch in enumerate(piece))


def mask_word(word: str) -> str:
    """First letter and length only: `Ленина` -> `Л*****`."""
    return word[:1] + "*" * (len(word) - 1) if word else word
