"""What one `messages.send` carries and answers, apart from the adapter's logic.

`random_id` is VK's dedup key for a send (NOTES §7): VK posts nothing for a
repeated one. Derived from the outbox row's key, a send repeated after a crash is
recognised by VK itself (issue [11/11]). `sent_id` reads the message id from the
answer of the `peer_ids` form the adapter uses.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

__all__ = ["random_id", "sent_id"]


def sent_id(items: Any) -> str:
    """The cmid from a `peer_ids` answer: `[{peer_id, message_id, conversation_message_id}]`."""
    if isinstance(items, list) and items and isinstance(items[0], dict):
        item = items[0]
        cmid = item.get("conversation_message_id") or item.get("message_id")
        return str(cmid) if cmid else ""
    return str(items) if isinstance(items, int) else ""  # the old `peer_id` form: an id


def random_id(dedup_key: str | None, chunk: int) -> int:
    """VK's `random_id` (1..2^31-1): stable for a keyed send, random otherwise."""
    if dedup_key is None:
        return secrets.randbelow(2**31 - 1) + 1
    digest = hashlib.blake2b(f"{dedup_key}#{chunk}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % (2**31 - 1) + 1
