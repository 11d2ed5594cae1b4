"""Personal data (152-FZ): phones, e-mails, SNILS, INN, passports, cards, addresses.

Most chat messages hold no digit and no `@`, and then nothing here runs beyond
two `in`/regex probes. Numbers must pass their check digits (checksums.py); a
passport needs its keyword nearby; evidence is masked before it leaves the
detector, because the audit log keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.moderation.detectors.address import find_addresses, mask_address
from bot.moderation.detectors.checksums import inn_valid, luhn_valid, snils_valid
from bot.moderation.detectors.finding import Finding, Span, disjoint, mask_digits

__all__ = ["NAME", "VERSION", "detect_personal_data"]

NAME = "personal_data"
VERSION = "1.0"

_DIGIT = re.compile(r"\d")
#: Six or more digits close together: every number below has one. The finders run
#: only in windows around these, so a 100 kB message with a date in it stays cheap.
_CLUSTER = re.compile(r"\d(?:[\s\-.()]{0,2}\d){5,}")
_BEFORE, _AFTER = 60, 3
_SEP = r"[\s\-.]?"
_PHONE = re.compile(
    rf"(?<![\d+])(?:\+\s?7|8|7)\s?{_SEP}\(?\s?(?P<code>[3-9]\d\d)\s?\)?{_SEP}\d{{3}}{_SEP}\d\d{_SEP}\d\d(?!\d)"
    rf"|(?<![\d+])\(?(?P<code10>9\d\d)\)?[\s\-]\d{{3}}[\s\-]\d\d[\s\-]\d\d(?!\d)"
)
_EMAIL = re.compile(
    r"(?<![a-z0-9._%+\-])[a-z0-9._%+\-]{1,64}@(?:[a-zа-я0-9\-]{1,63}\.){1,8}(?:[a-z]{2,24}|рф)(?![a-z0-9\-])",
    re.IGNORECASE,
)
_SNILS = re.compile(r"(?<![\d\-])(\d{3})([\- ]?)(\d{3})\2(\d{3})[\- ]?(\d{2})(?![\d\-])")
_INN = re.compile(r"(?<!\d)(\d{12}|\d{10})(?!\d)")
_INN_KEYWORD = re.compile(r"инн\W{0,5}$", re.IGNORECASE)
_SNILS_KEYWORD = re.compile(r"снилс\W{0,5}$", re.IGNORECASE)
_PASSPORT = re.compile(
    r"(?:паспорт\w{0,4}|серия)[^\d\n]{0,40}?(?<!\d)\d\d\s?\d\d[\s№N#:,\-]{0,5}(?:номер[\s:№]{0,3})?\d{6}(?!\d)",
    re.IGNORECASE,
)
_CARD = re.compile(
    r"(?<![\d\-])(?:\d{13,19}"  # contiguous
    r"|\d{4}(?:([ \-])\d{4}){2}\1\d{4}(?:\1?\d{1,3})?"  # 4-4-4-4(-3), one separator
    r"|\d{4}[ \-]\d{6}[ \-]\d{5})(?![\d\-])"  # American Express 4-6-5
)


def _digits(piece: str) -> str:
    return "".join(_DIGIT.findall(piece))


def _keyword_before(pattern: re.Pattern[str], text: str, start: int) -> bool:
    return pattern.search(text, max(0, start - 12), start) is not None


def _phones(text: str, pos: int, end: int) -> list[tuple[Span, float, str]]:
    out = []
    for m in _PHONE.finditer(text, pos, end):
        mobile = (m.group("code") or m.group("code10") or "").startswith("9")
        out.append((m.span(), 0.9 if mobile else 0.75, "phone"))
    return out


def _emails(text: str) -> list[tuple[Span, float, str]]:
    return [(m.span(), 0.9, "email") for m in _EMAIL.finditer(text)]


def _snils(text: str, pos: int, end: int) -> list[tuple[Span, float, str]]:
    out = []
    for m in _SNILS.finditer(text, pos, end):
        if snils_valid(_digits(m.group())):
            sure = m.group(2) or _keyword_before(_SNILS_KEYWORD, text, m.start())
            out.append((m.span(), 0.9 if sure else 0.7, "snils"))
    return out


def _inn(text: str, pos: int, end: int) -> list[tuple[Span, float, str]]:
    out = []
    for m in _INN.finditer(text, pos, end):
        keyword = _keyword_before(_INN_KEYWORD, text, m.start())
        # 1 in 10 random 10-digit numbers passes: an INN-10 needs its keyword
        if inn_valid(m.group()) and (keyword or len(m.group()) == 12):
            out.append((m.span(), 0.9 if keyword else 0.7, "inn"))
    return out


def _passports(text: str, pos: int, end: int) -> list[tuple[Span, float, str]]:
    return [(m.span(), 0.85, "passport") for m in _PASSPORT.finditer(text, pos, end)]


def _cards(text: str, pos: int, end: int) -> list[tuple[Span, float, str]]:
    return [
        (m.span(), 0.9, "card")
        for m in _CARD.finditer(text, pos, end)
        if luhn_valid(_digits(m.group()))
    ]


# Order is rank: where two claim the same digits, the earlier wins (a card is not a phone).
_NUMERIC: tuple[Callable[[str, int, int], list[tuple[Span, float, str]]], ...] = (
    _cards, _passports, _snils, _inn, _phones,
)  # fmt: skip


def _windows(text: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in _CLUSTER.finditer(text):
        start, end = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _mask(piece: str, kind: str) -> str:
    if kind == "email":
        local, _, domain = piece.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "address":
        return mask_address(piece)
    if kind == "passport":
        return mask_digits(piece, keep_head=0, keep_tail=0)
    return mask_digits(piece)


def detect_personal_data(text: str) -> list[Finding]:
    """Personal data in `text`, each finding's evidence masked."""
    candidates: list[tuple[Span, int, tuple[float, str]]] = []
    if "@" in text:
        candidates += [(span, 0, (conf, kind)) for span, conf, kind in _emails(text)]
    if _DIGIT.search(text):
        for pos, end in _windows(text):
            for rank, finder in enumerate(_NUMERIC, start=1):
                candidates += [(span, rank, (c, k)) for span, c, k in finder(text, pos, end)]
        rank = len(_NUMERIC) + 1
        candidates += [(span, rank, (c, "address")) for span, c in find_addresses(text)]
    return [
        Finding(
            "personal_data", NAME, VERSION, confidence, span,
            _mask(text[span[0] : span[1]], kind)[:80], kind,
        )
        for span, (confidence, kind) in disjoint(candidates)
    ]  # fmt: skip
