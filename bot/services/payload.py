"""Numbers read back from button payloads.

Our buttons carry small positive ints (a case, an apology, a window, days), but a
press returns whatever JSON the messenger hands over: a float, `Infinity`, a
400-digit number, a list. `int()` of those raises `OverflowError` (not caught with
`ValueError`) or overflows the database's int64, so every such read goes through here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_INT64", "payload_id", "payload_int"]

MAX_INT64 = 2**63 - 1
_ID = re.compile(r"-?[0-9]{1,19}", re.ASCII)


def payload_int(payload: Mapping[str, Any], key: str) -> int | None:
    """`payload[key]` as an int in 0..int64 (an int or a string of ASCII digits), else None."""
    value = payload.get(key)
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    if type(value) is int and 0 <= value <= MAX_INT64:
        return value
    return None


def payload_id(payload: Mapping[str, Any], key: str) -> str | None:
    """`payload[key]` as a platform id (a chat or a person: int64, as a string), else None.

    Such an id becomes the address of a message or a sanction, so text, a float or an
    empty string must not pass as one.
    """
    value = payload.get(key)
    if type(value) is int and abs(value) <= MAX_INT64:
        return str(value)
    if type(value) is str and _ID.fullmatch(value) and abs(int(value)) <= MAX_INT64:
        return value
    return None
