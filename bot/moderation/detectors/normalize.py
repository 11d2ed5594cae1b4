"""Undo the disguises people put on words, keeping a way back to the original text.

Three views of a message, each derived with C-speed `str.translate` / `re.sub`:

* `folded`: one character per original character (so positions are shared): lower
  case, ё→е, look-alikes (Latin, digits, Greek, `@`) to Cyrillic, masks (`*`, `#`)
  to `*`, zero-width and combining characters to `\\x00`;
* `joined`: `folded` minus `\\x00`, minus separators inside a word ("х.у.й",
  "х у й", "бл-ядь": a separator goes when a piece next to it is one or two letters,
  so "что-то" and "сказал.бля" stay apart);
* `text`: the same as `joined` (repeated letters are left in place: "переебать"
  would lose its root if "ее" were squeezed; lexicon patterns take `х+у+й+`
  instead, see `lexicon.py`).

The index map from `text` back to the original is built only on demand: most
messages match nothing and never pay for it.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from importlib.resources import files

from bot.moderation.detectors.finding import Span

__all__ = ["LATIN_FOLD", "WORD", "Normalized", "fold", "normalize", "squeeze"]

_DATA = tomllib.loads((files(__package__) / "lookalikes.toml").read_text("utf-8"))
_LOOKALIKE: dict[str, str] = dict(_DATA["to_cyrillic"])
_REMOVED = "\x00"
_INVISIBLE = "\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
_MASKS = "*#%"
_CACHE_LIMIT = 20_000


class _FoldTable(dict[int, str]):
    """A `str.translate` table that fills itself for characters it has not seen."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        low = ch.lower()
        if len(low) != 1:  # "İ".lower() is two characters: keep positions 1:1
            low = ch
        if low in _LOOKALIKE:
            out = _LOOKALIKE[low]
        elif unicodedata.combining(low) or unicodedata.category(low) in ("Cf", "Mn", "Me"):
            out = _REMOVED
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c)
            )
            out = base.lower() if len(base) == 1 else low
            out = _LOOKALIKE.get(out, out)
        if len(self) < _CACHE_LIMIT:
            self[code] = out
        return out


def _base_table() -> _FoldTable:
    table = _FoldTable()
    for low in "абвгдежзийклмнопрстуфхцчшщъыьэюя":
        table[ord(low)] = low
        table[ord(low.upper())] = low
    table[ord("й")] = table[ord("Й")] = "й"  # NFKD would split й into и + breve
    for ch, cyr in _DATA["to_cyrillic"].items():
        table[ord(ch)] = cyr
    for ch in _INVISIBLE:
        table[ord(ch)] = _REMOVED
    for ch in _MASKS:
        table[ord(ch)] = "*"
    return table


_FOLD = _base_table()
LATIN_FOLD = str.maketrans(_DATA["to_latin"])

_L = "а-яa-z0-9*"
#: Characters of a word in the folded views (a class body for regexes).
WORD = _L
_SEP = r"[._\-~'\"|/\\+^:?]"
# A separator run goes when the piece before or after it is one or two letters long;
# single letters spaced apart ("х у й") are joined too.
# Each branch starts with the character it removes, so `re` skips ahead by charset
# instead of trying lookbehinds at every position (4x faster on 100 kB).
_Z = _L + "\x00"  # removed characters still belong to their word
_JOIN = re.compile(
    rf"\x00\x00*"
    rf"|{_SEP}(?:(?<=(?<![{_Z}])[{_L}]{_SEP})|(?<=(?<![{_Z}])[{_L}][{_L}]{_SEP})){_SEP}{{0,2}}(?=[{_L}])"
    rf"|{_SEP}(?<=[{_L}]{_SEP}){_SEP}{{0,2}}(?=[{_L}]{{1,2}}(?![{_Z}]))"
    rf"|[ \t](?<=(?<![{_Z}])[{_L}][ \t])[ \t]{{0,2}}(?=[{_L}](?![{_Z}]))"
)
_SQUEEZE = re.compile(r"([а-яa-z])\1+")


def squeeze(word: str) -> str:
    """`хууууй` -> `хуй`: for comparing a found word with the exception list."""
    return _SQUEEZE.sub(r"\1", word)


_PI = re.compile(r"3[.,]14(?=[^\W\d_])")  # "3.14здец": the digits of pi spell "пи"
_DOTS = re.compile(rf"(?<=[{_L}])(?:\.\.|…)(?=[{_L}])")  # "с..ка", "е…ный" mask letters


def fold(text: str) -> str:
    """One output character per input character: case, ё, look-alikes, masks."""
    if "3" in text and "14" in text:
        text = _PI.sub("пи\x00\x00", text)
    folded = text.translate(_FOLD)
    if ".." in folded or "…" in folded:
        folded = _DOTS.sub(lambda m: "*" * len(m.group()), folded)
    return folded


def _kept(s: str, pattern: re.Pattern[str], keep_first: bool) -> list[int]:
    """Indices of `s` that survive `pattern.sub` (keeping a match's first char or none)."""
    kept: list[int] = []
    prev = 0
    for m in pattern.finditer(s):
        cut = m.start() + 1 if keep_first else m.start()
        kept.extend(range(prev, cut))
        prev = m.end()
    kept.extend(range(prev, len(s)))
    return kept


class Normalized:
    """A message in its three views; `span()` maps a `text` span to the original."""

    __slots__ = ("_map", "folded", "joined", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self.folded = fold(original)
        self.joined = _JOIN.sub("", self.folded)
        self.text = self.joined
        self._map: list[int] | None = None

    def _index(self) -> list[int]:
        if self._map is None:
            self._map = _kept(self.folded, _JOIN, keep_first=False)
        return self._map

    def span(self, start: int, end: int) -> Span:
        """Original positions of `text[start:end]`, widened to whole removed runs."""
        if start >= end:
            return (0, 0)
        if len(self.text) == len(self.original):  # nothing was removed
            return (start, end)
        index = self._index()
        return (index[start], index[end - 1] + 1)


def normalize(text: str) -> Normalized:
    """The normalized views of `text` (see the module docstring)."""
    return Normalized(text)
