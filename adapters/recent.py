"""`Recent`: a mapping that keeps only the keys set most recently.

The adapters' in-memory caches (VK's people's names, MAX's dialog ids) must not grow
with every person a long-running bot ever met; what falls out is fetched again or
kept elsewhere.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar

__all__ = ["Recent"]

K = TypeVar("K")
V = TypeVar("V")


class Recent(OrderedDict[K, V]):
    """At most `limit` entries; setting a key makes it the newest, the oldest go first."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a Recent mapping keeps at least one entry")
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)
