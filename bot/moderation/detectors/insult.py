"""Insults aimed at participants: an insult lexicon plus "ты/вы ..." patterns.

Rudeness is harder to tell from banter than mat is, so this detector is meant
for review (the curator decides): a lexicon word alone scores about 0.5, and the
same word said to someone ("ты полный идиот", "вы козлы") scores 0.8. Ordinary
words that only insult when aimed ("козёл", "овца") count only in that pattern.
"""

from __future__ import annotations

import re

from bot.moderation.detectors.finding import Finding, excerpt
from bot.moderation.detectors.lexicon import RootSet, elastic, load_data, load_roots
from bot.moderation.detectors.normalize import WORD, Normalized, normalize

__all__ = ["NAME", "VERSION", "detect_insult"]

NAME = "insult"
VERSION = "1.0"
AIMED_CONFIDENCE = 0.8

_ROOTS: RootSet = load_roots("insult.toml")
_DATA = load_data("insult.toml")
_WEAK = "|".join(
    elastic(w[:-1] if w.endswith(("а", "ы")) else w) + "[а-я]{0,3}" for w in _DATA["weak"]["words"]
)
_ADDRESS = "|".join(_DATA["address"]["words"])
_FILLER = "|".join(re.escape(w) for w in _DATA["address"]["fillers"])
#: "ты (такой) (полный) <слово>": up to three filler words, each bounded, no backtracking blowup.
_AIMED = re.compile(
    rf"(?<![{WORD}])(?:{_ADDRESS})[ ,]+(?:(?:{_FILLER})[ ,]+){{0,3}}"
    rf"(?P<word>(?:{_WEAK})(?![{WORD}]))"
)
_AIMED_LEXICON = re.compile(rf"(?<![{WORD}])(?:{_ADDRESS})[ ,]+(?:(?:{_FILLER})[ ,]+){{0,3}}$")
_INNOCENT_NEXT = re.compile(rf"[ ,]+(?:{'|'.join(_DATA['context']['not_before'])})(?![{WORD}])")
_TAIL = 40  # how far back an address word may stand before the insult


def _aimed(text: str, start: int) -> bool:
    return _AIMED_LEXICON.search(text, max(0, start - _TAIL), start) is not None


def detect_insult(text: str, norm: Normalized | None = None) -> list[Finding]:
    """Insults in `text`; "ты/вы" in front raises the confidence to 0.8."""
    norm = norm or normalize(text)
    found: list[Finding] = []
    taken: set[int] = set()
    roots = _ROOTS.pattern.finditer(norm.text) if _ROOTS.prefilter.search(norm.text) else ()
    for m in roots:
        resolved = _ROOTS.resolve(m)
        if resolved is None:
            continue
        root = resolved[0]
        if _INNOCENT_NEXT.match(norm.text, m.end()):
            continue
        confidence = AIMED_CONFIDENCE if _aimed(norm.text, m.start()) else root.confidence
        span = norm.span(m.start(), m.end())
        taken.add(m.start())
        found.append(Finding("insult", NAME, VERSION, confidence, span, excerpt(text, span)))
    if _DATA["weak"]["words"]:
        for m in _AIMED.finditer(norm.text):
            if m.start("word") in taken:
                continue
            span = norm.span(m.start("word"), m.end("word"))
            found.append(
                Finding("insult", NAME, VERSION, AIMED_CONFIDENCE, span, excerpt(text, span))
            )
    return found
