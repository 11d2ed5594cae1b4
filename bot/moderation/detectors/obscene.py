"""Obscene language: Russian mat (through its disguises) and English obscenities.

Precision comes first (an automatic warning in a school chat costs more than a
missed word), so a root counts only at a word start after a known prefix, an
innocent look-alike on the exception list is dropped, and a Cyrillic root must
have at least one real Cyrillic letter in the original: a wholly Latin word is
English ("ebay" is not "ебау") and goes to the Latin list instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from bot.moderation.detectors.finding import Finding, excerpt
from bot.moderation.detectors.lexicon import Root, RootSet, load_data, load_roots
from bot.moderation.detectors.normalize import WORD, Normalized, normalize

__all__ = ["NAME", "VERSION", "detect_obscene"]

NAME = "obscene"
VERSION = "1.0"

_ROOTS: RootSet = load_roots("obscene.toml")
_LATIN_DATA = load_data("obscene.toml")["latin"]
_LATIN = re.compile("(?<![a-z])(?:" + "|".join(_LATIN_DATA["patterns"]) + ")(?![a-z])")
_LATIN_CONFIDENCE = float(_LATIN_DATA["confidence"])
_LATIN_HINTS = tuple(_LATIN_DATA["hints"])
_CYRILLIC = re.compile("[а-яёА-ЯЁ]")
_WORD_CHAR = re.compile(f"[{WORD}]")
_DISGUISE_PENALTY = 0.05  # a disguised word is as rude, but the match is less certain


def _word_matches(text: str) -> list[tuple[int, int, Root]]:
    """(start, end of word, root) in normalized text: roots at a word start, then
    the never-innocent roots inside words ("…бляди" compounds)."""
    out: list[tuple[int, int, Root]] = []
    for m in _ROOTS.pattern.finditer(text):
        resolved = _ROOTS.resolve(m)
        if resolved is not None:
            end = _ROOTS.word_end.match(text, resolved[1])
            out.append((m.start(), end.end() if end else resolved[1], resolved[0]))
    if _ROOTS.inner is not None:
        covered = sorted((a, b) for a, b, _ in out)
        starts = [a for a, _ in covered]
        inner_end = -1
        for m in _ROOTS.inner.finditer(text):
            at = bisect_right(starts, m.start()) - 1
            if m.start() < inner_end or (at >= 0 and m.start() < covered[at][1]):
                continue
            start = m.start()
            while start > 0 and _WORD_CHAR.match(text, start - 1):
                start -= 1
            end = _ROOTS.word_end.match(text, m.end())
            inner_end = end.end() if end else m.end()
            out.append((start, inner_end, _ROOTS.roots[m.lastgroup or ""]))
    return out


def _cyrillic_matches(norm: Normalized) -> list[Finding]:
    found: list[Finding] = []
    text = norm.text
    if not _ROOTS.prefilter.search(text):
        return found
    for start, stop, root in _word_matches(text):
        word = text[start:stop]
        if _ROOTS.excepted(word):
            continue
        stars = word.count("*")
        if stars and stars * 2 > len(word):  # "б***ь" is too much guesswork
            continue
        span = norm.span(start, stop)
        if not _CYRILLIC.search(norm.original, span[0], span[1]):
            continue
        plain = norm.original[span[0] : span[1]].lower().replace("ё", "е") == word
        confidence = root.confidence if plain else round(root.confidence - _DISGUISE_PENALTY, 3)
        found.append(
            Finding("obscene", NAME, VERSION, confidence, span, excerpt(norm.original, span))
        )
    return found


def _latin_matches(text: str) -> list[Finding]:
    low = text.lower()
    if len(low) != len(text):  # keep spans: lower-case letter by letter instead
        low = "".join(ch.lower()[:1] or ch for ch in text)
    return [
        Finding(
            "obscene", NAME, VERSION, _LATIN_CONFIDENCE, m.span(), excerpt(text, m.span()), "latin"
        )
        for m in _LATIN.finditer(low)
    ]


def detect_obscene(text: str, norm: Normalized | None = None) -> list[Finding]:
    """Obscene words in `text`; pass `norm` to share one normalization between detectors."""
    norm = norm or normalize(text)
    found = _cyrillic_matches(norm)
    low = text.lower()
    if any(hint in low for hint in _LATIN_HINTS):
        found.extend(_latin_matches(text))
    return found
