"""Home addresses: a street keyword, a name and a house number, or "живёт по адресу".

"Встречаемся на ул. Ленина, 5" names a place, not a home, so a bare street and
house score 0.6 (review); a flat number or a residence word ("проживает",
"живёт", "адрес") in front makes it a home address (0.85).
"""

from __future__ import annotations

import re

from bot.moderation.detectors.finding import Span, mask_word

__all__ = ["find_addresses", "mask_address"]

_STREET = (
    r"(?:ул\.|ул(?=\s)|улиц[аеуы]|пр-т|просп\.|проспект[аеу]?|пер\.|переул(?:ок|ка|ке)"
    r"|б-р|бульвар[аеу]?|шоссе|наб\.|набережн(?:ая|ой)|пл\.|площад[ьи]|мкр\.?|микрорайон[аеу]?)"
)
# A street name is a word of three letters or more ("улицы в 20" is a time, not a street).
_NAME = r"[а-яёa-z][а-яёa-z.\-]{2,30}(?:\s[а-яёa-z][а-яёa-z.\-]{0,30}){0,2}"
_HOUSE = r"(?:д\.|дом|д(?=\s))?\s?\d{1,4}[а-я]?(?:/\d{1,3})?(?![\d])"
_FLAT = (
    r"(?:[,\s]{1,3}(?:корп\.?|к\.|стр\.?)\s?\d{1,3})?"
    r"(?P<flat>[,\s]{1,3}(?:кв\.?|квартира)\s?\d{1,4})?"
)
_STREET_ADDRESS = re.compile(
    rf"(?<![а-яё]){_STREET}(?![а-яё])\s?{_NAME}[,\s]{{1,3}}{_HOUSE}{_FLAT}", re.IGNORECASE
)
_HOUSE_FLAT = re.compile(
    r"(?<![а-яё])(?:д\.|дом)\s?\d{1,4}[а-я]?[,\s]{1,3}(?:кв\.?|квартира)\s?\d{1,4}", re.IGNORECASE
)
_RESIDENCE = re.compile(
    r"(?:прожива\w{0,4}|жив[её]т|живу|живут|адрес\w{0,2})\s?(?:по\s?адресу|на|:)?[\s:]{0,3}$",
    re.IGNORECASE,
)
_BY_ADDRESS = re.compile(
    r"(?:прожива\w{0,4}|жив[её]т|живу|живут)\s(?:по\s)?адресу[\s:]{0,3}[^\n]{0,60}?\d{1,4}",
    re.IGNORECASE,
)
_KEYWORDS = {
    "ул",
    "улица",
    "дом",
    "кв",
    "квартира",
    "корп",
    "стр",
    "проспект",
    "пер",
    "по",
    "адресу",
}


# Every address starts with one of these (lower case): `str.find` them, then try the
# patterns right there with `match`, instead of scanning 100 kB with each regex.
_STARTS = (
    ("ул", _STREET_ADDRESS), ("пр", _STREET_ADDRESS), ("пер", _STREET_ADDRESS),
    ("б-р", _STREET_ADDRESS), ("бульвар", _STREET_ADDRESS), ("шоссе", _STREET_ADDRESS),
    ("наб", _STREET_ADDRESS), ("пл", _STREET_ADDRESS), ("мкр", _STREET_ADDRESS),
    ("микрорайон", _STREET_ADDRESS), ("д", _HOUSE_FLAT), ("прожива", _BY_ADDRESS),
    ("жив", _BY_ADDRESS),
)  # fmt: skip


def _confidence(text: str, m: re.Match[str]) -> float:
    if m.re is _HOUSE_FLAT:
        return 0.75
    if m.re is _BY_ADDRESS:
        return 0.85
    home = m.group("flat") or _RESIDENCE.search(text, max(0, m.start() - 30), m.start())
    return 0.85 if home else 0.6


def find_addresses(text: str) -> list[tuple[Span, float]]:
    """Address spans in `text` with a confidence each."""
    low = text.lower()
    if len(low) != len(text):
        low = text
    found: dict[int, tuple[Span, float]] = {}
    covered = -1
    for anchor, pattern in _STARTS:
        at = low.find(anchor)
        while at >= 0:
            m = pattern.match(low, at)
            if m and at not in found:
                found[at] = (m.span(), _confidence(low, m))
            at = low.find(anchor, at + 1)
    result: list[tuple[Span, float]] = []
    for start in sorted(found):  # keep the first of overlapping candidates
        span, confidence = found[start]
        if start >= covered:
            result.append((span, confidence))
            covered = span[1]
    return result


def mask_address(piece: str) -> str:
    """Street names and numbers hidden, keywords kept: `ул. Л*****, д. *, кв. **`."""
    piece = re.sub(r"\d", "*", piece)
    return re.sub(
        r"[а-яёa-z]{2,}",
        lambda m: m.group() if m.group().lower() in _KEYWORDS else mask_word(m.group()),
        piece,
        flags=re.IGNORECASE,
    )
