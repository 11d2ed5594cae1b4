"""Normalising what people type, so that `Мат`, `мaт` (Latin a) and `мат\u200b` agree.

The quality bar asks that zero-width and look-alike characters never defeat a
command; rule codes and command words go through `normalize` and, as a fallback,
`skeleton`, which folds Cyrillic and Latin look-alikes onto one letter.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ZERO_WIDTH", "clean", "normalize", "skeleton"]

ZERO_WIDTH = re.compile("[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# Cyrillic letters that look like Latin ones, folded onto the Latin letter.
_LOOKALIKES = str.maketrans("аеорсхукмтнвіј", "aeopcxykmthbij")


def clean(text: str) -> str:
    """Drop zero-width and direction marks; keep everything else as typed."""
    return ZERO_WIDTH.sub("", text)


def normalize(token: str) -> str:
    """Case-folded, NFKC, `ё` read as `е`, no invisible characters, trimmed."""
    text = unicodedata.normalize("NFKC", clean(token)).casefold().strip()
    return text.replace("ё", "е")


def skeleton(token: str) -> str:
    """`normalize`, then look-alike letters folded: `мaт` and `мат` share one skeleton."""
    return normalize(token).translate(_LOOKALIKES)
