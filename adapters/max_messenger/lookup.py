"""Reading back what the bot posted: MAX has no idempotency key for a send.

A send cut off by a crash (issue [11/11]) may or may not have reached MAX; before
repeating it the action runner asks the adapter's `lookup` to look among the chat's
latest messages (`GET /messages`) for the bot's own message with the same text. A
private send is looked up in the person's dialog, whose chat_id is not the user's id
(and `GET /chats` is gone): it is learned from MAX's answers to private sends.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from adapters.max_messenger.api import Query, as_id
from adapters.max_messenger.keyboard import message_bodies
from adapters.recent import Recent

__all__ = ["DIALOGS_KEPT", "MaxLookup", "sent_earlier"]

log = logging.getLogger("etiket.max")

DIALOGS_KEPT = 10_000
"""Dialog ids kept in memory (`MaxLookup.dialogs`); a few hundred bytes each."""
Call = Callable[..., Awaitable[dict[str, Any]]]

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


class MaxLookup:
    """`adapters.base.SentLookup` on MAX; `call` is the adapter's (queued) API call."""

    def __init__(self, call: Call, text_format: str | None) -> None:
        self.call = call
        self.text_format = text_format
        self.dialogs: Recent[str, str] = Recent(DIALOGS_KEPT)
        """user id -> the chat_id of the bot's dialog with them; the latest
        `DIALOGS_KEPT`, the outbox keeps the rest (`carry_out`'s `dialog`)."""

    def learn(self, user_id: str, message: Mapping[str, Any]) -> None:
        """Remember the dialog a private send to `user_id` went to (MAX's answer)."""
        chat = (message.get("recipient") or {}).get("chat_id")
        if chat:
            self.dialogs[user_id] = str(chat)

    def dialog_of(self, user_id: str) -> str | None:
        return self.dialogs.get(user_id)

    async def in_chat(self, chat_id: str, text: str, since: float) -> str | None:
        last = message_bodies(text, None, None, self.text_format)[-1].get("text")
        query: Query = {"chat_id": as_id(chat_id, "chat id"), "count": 50}
        page = await self.call("GET", "/messages", query=query)
        return sent_earlier(page, str(last or ""), since)

    async def in_dialog(
        self, user_id: str, text: str, since: float, dialog: str | None = None
    ) -> str | None:
        chat = dialog or self.dialogs.get(user_id)
        if not chat:
            log.warning("cannot look up an interrupted send to user %s: no dialog known", user_id)
            return None
        return await self.in_chat(chat, text, since)
