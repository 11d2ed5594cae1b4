"""Reading back what the bot posted: MAX has no idempotency key for a send.

A send cut off by a crash (issue [11/11]) may or may not have reached MAX; before
repeating it the action runner asks the adapter to look among the chat's latest
messages (`GET /messages`) for the bot's own message with the same text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["sent_earlier"]

SLACK_SECONDS = 60
"""The platform's clock is not ours (and a message's time has second resolution)."""


def sent_earlier(page: Mapping[str, Any], text: str, since: float) -> str | None:
    """The mid of the bot's message in a `MessageList` with exactly `text`, posted at
    or after `since` (epoch seconds, less the slack), or None."""
    for message in page.get("messages") or ():
        sender, body = message.get("sender") or {}, message.get("body") or {}
        late_enough = float(message.get("timestamp") or 0) >= (since - SLACK_SECONDS) * 1000
        if sender.get("is_bot") and body.get("text") == text and late_enough:
            return str(body.get("mid") or "") or None
    return None
