"""Foreign messengers: invite links, handles next to a messenger's name, and calls
to move the chat there ("пишите в телегу", "го в дискорд").

A neutral mention ("в телеграме была новость") is not a call: a name counts only
after a verb of moving or writing and "в/на", within a few filler words.
"""

from __future__ import annotations

import re

from bot.moderation.detectors.finding import Finding, Span, disjoint, excerpt
from bot.moderation.detectors.lexicon import load_data, trie
from bot.moderation.detectors.normalize import LATIN_FOLD, WORD, Normalized, fold, normalize

__all__ = ["NAME", "VERSION", "detect_foreign_messenger"]

NAME = "foreign_messenger"
VERSION = "1.0"

_DATA = load_data("messengers.toml")
_LINK = re.compile(
    "|".join(f"(?P<{name}>(?<![a-z0-9.\\-]){pattern})" for name, pattern in _DATA["links"].items()),
    re.IGNORECASE,
)
#: Literal pieces every link contains: cheap `in` probes before any regex runs.
_ANCHORS = (".me/", "tg:", "whatsapp", "discord", "viber", "signal.", "weixin", "wechat",
            "telegram.", "telesco.")  # fmt: skip
_WINDOW = (40, 300)  # a link's start is at most this far before its anchor, its end after


def _alternation(words: list[str]) -> str:
    return trie({fold(w) for w in words})


_CALLS = _DATA["calls"]
_NAMES = _alternation(_CALLS["names"])
_FILLERS = _alternation(_CALLS["fillers"])
_CALL = re.compile(
    rf"(?<![{WORD}])(?:{_alternation(_CALLS['verbs'])})[ ,!]{{1,3}}"
    rf"(?:(?:{_FILLERS})[ ,!]{{1,3}}){{0,3}}"
    rf"(?:(?:в|во|на)[ ]{{1,2}}(?:(?:{_FILLERS})[ ]{{1,2}}){{1,2}})?"
    rf"(?:в|во|на)[ ]{{1,2}}(?:(?:{_FILLERS})[ ]{{1,2}}){{0,2}}"
    rf"(?:{_NAMES})[а-я]{{0,3}}(?![{WORD}])"
)
_NAME_HINT = re.compile(rf"(?<![{WORD}])(?:{_NAMES})")
_RAW_NAMES = trie(set(_CALLS["names"]))
_HANDLE = re.compile(
    rf"(?<![{WORD}])(?:{_RAW_NAMES})[а-я]{{0,3}}[ :,\-]{{1,3}}"
    rf"(?:[а-я]{{1,10}}[ :,\-]{{1,3}}){{0,2}}"
    rf"{_CALLS['handle']}|{_CALLS['handle']}[ ,]{{1,3}}(?:в|во|на)[ ]{{1,2}}(?:{_RAW_NAMES})"
)


def _link_windows(latin: str) -> list[tuple[int, int]]:
    """Merged stretches around every anchor, so each character is scanned once."""
    starts: list[int] = []
    for anchor in _ANCHORS:
        at = latin.find(anchor)
        while at >= 0:
            starts.append(at)
            at = latin.find(anchor, at + 1)
    windows: list[tuple[int, int]] = []
    for at in sorted(starts):
        pos, end = max(0, at - _WINDOW[0]), at + _WINDOW[1]
        if windows and pos <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((pos, end))
    return windows


def _links(text: str) -> list[tuple[Span, int, tuple[float, str]]]:
    low = text.lower()
    latin = low.translate(LATIN_FOLD) if len(low) == len(text) else text
    return [
        (m.span(), 0, (0.95, m.lastgroup or ""))
        for pos, end in _link_windows(latin)
        for m in _LINK.finditer(latin, pos, end)
    ]


def _calls(norm: Normalized) -> list[tuple[Span, int, tuple[float, str]]]:
    lower = norm.original.lower()
    if len(lower) != len(norm.original):
        lower = norm.folded
    return [
        (m.span(), rank, (0.85, kind))
        for rank, (pattern, view, kind) in enumerate(
            ((_CALL, norm.folded, "call"), (_HANDLE, lower, "handle")), start=1
        )
        for m in pattern.finditer(view)
    ]


def detect_foreign_messenger(text: str, norm: Normalized | None = None) -> list[Finding]:
    """Links and calls to move to a foreign messenger."""
    candidates = _links(text)
    norm = norm or normalize(text)
    if _NAME_HINT.search(norm.folded) or "@" in text:
        candidates += _calls(norm)
    return [
        Finding(
            "foreign_messenger", NAME, VERSION, confidence, span,
            excerpt(text, span), kind,
        )
        for span, (confidence, kind) in disjoint(candidates)
    ]  # fmt: skip
