"""What each kind of platform action does: the vocabulary of the outbox.

A `platform_actions` row names a kind and its JSON params; `carry_out` makes the
adapter calls and returns the JSON result recorded on the row. Kinds: `send` (with
`pin`, the sent message is pinned too), `private`, `delete`, `remove`, `readd`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from adapters.base import Button, Keyboard, MessengerAdapter, SentLookup
from adapters.errors import MessengerError, NotSupported, PrivacyRefused

__all__ = ["carry_out", "keyboard_from_json", "keyboard_to_json"]

log = logging.getLogger("etiket.actions")


def keyboard_to_json(keyboard: Keyboard | None) -> list[list[dict[str, Any]]] | None:
    if keyboard is None:
        return None
    return [
        [{"text": b.text, "payload": dict(b.payload), "style": b.style} for b in row]
        for row in keyboard.rows
    ]


def keyboard_from_json(rows: Sequence[Sequence[Mapping[str, Any]]] | None) -> Keyboard | None:
    if not rows:
        return None
    return Keyboard.of(
        *([Button(b["text"], b.get("payload", {}), b.get("style", "secondary")) for b in row]
          for row in rows)
    )  # fmt: skip


async def carry_out(
    adapter: MessengerAdapter,
    kind: str,
    p: Mapping[str, Any],
    *,
    key: str | None = None,
    interrupted_since: datetime | None = None,
    dialog: str | None = None,
) -> dict[str, Any] | None:
    """The adapter calls of one action; raises the adapter's `MessengerError`.

    `key` (the outbox row's) names each send for the platform's own dedup (VK).
    `interrupted_since`: an earlier attempt since then was cut off by a crash, so a
    send is first looked up where the platform allows (MAX) and not repeated if found;
    a private one in `dialog`, the dialog an earlier private send to them reported
    (kept in its result), when the adapter has not learned it itself.
    """
    keyboard = keyboard_from_json(p.get("keyboard"))
    lookup = sent_lookup(adapter)
    if kind == "send":
        find = lookup.in_chat if lookup else None
        mid = await _already_sent(find, p["chat_id"], p["text"], interrupted_since)
        if mid is None:
            mid = await adapter.send_message(
                p["chat_id"], p["text"], keyboard=keyboard, reply_to=p.get("reply_to"),
                dedup_key=key,
            )  # fmt: skip
        if p.get("pin"):
            return {"message_id": mid, **await _pin(adapter, p["chat_id"], mid)}
        return {"message_id": mid}
    if kind == "private":
        user = p["user_id"]
        private = partial(lookup.in_dialog, dialog=dialog) if lookup else None
        mid = await _already_sent(private, user, p["text"], interrupted_since)
        if mid is None:
            mid = await adapter.send_private(user, p["text"], keyboard=keyboard, dedup_key=key)
        where = lookup.dialog_of(user) if lookup else None
        return {"message_id": mid, "dialog": where} if where else {"message_id": mid}
    if kind == "delete":
        await adapter.delete_messages(p["chat_id"], list(p["message_ids"]))
        return None
    if kind == "remove":
        blocked = await adapter.remove_member(
            p["chat_id"], p["user_id"], block=p.get("block", False)
        )
        return {"blocked": blocked}
    if kind == "readd":
        return await _readd(adapter, p)
    raise ValueError(f"unknown platform action kind {kind!r}")


def sent_lookup(adapter: MessengerAdapter) -> SentLookup | None:
    """The adapter's `lookup` of interrupted sends, where its platform has one."""
    lookup: SentLookup | None = getattr(adapter, "lookup", None)
    return lookup


async def _already_sent(
    find: Callable[[str, str, float], Awaitable[str | None]] | None,
    target: str,
    text: str,
    since: datetime | None,
) -> str | None:
    """After a crash mid-send: the message's id if the platform shows it went out."""
    if since is None or find is None:
        return None
    try:
        found = await find(target, text, since.timestamp())
    except MessengerError as exc:  # cannot tell: sending again is the lesser harm
        log.warning("cannot look up an interrupted send to %s: %s", target, exc)
        return None
    if found:
        log.info("an interrupted send to %s had gone out (%s); not repeated", target, found)
    return found


async def _pin(adapter: MessengerAdapter, chat_id: str, message_id: str) -> dict[str, Any]:
    """Pin what `send` just posted.

    The message is out whatever happens here, so a refusal (the bot is no admin
    there) is recorded beside the message id instead of failing the action: a retry
    of the action would post the message a second time.
    """
    if not message_id:
        return {"pinned": False, "pin_error": "the platform returned no message id to pin"}
    try:
        await adapter.pin_message(chat_id, message_id)
    except MessengerError as exc:
        log.warning("sent %s to %s but could not pin it: %s", message_id, chat_id, exc)
        return {"pinned": False, "pin_error": f"{type(exc).__name__}: {exc}"}
    return {"pinned": True}


async def _readd(adapter: MessengerAdapter, p: Mapping[str, Any]) -> dict[str, Any]:
    """Put someone back; where the platform cannot, send them an invite link instead."""
    try:
        await adapter.add_member(p["chat_id"], p["user_id"])
        return {"readded": True}
    except (NotSupported, PrivacyRefused) as exc:
        link = await adapter.invite_link(p["chat_id"])
        text = str(p.get("invite_text", "{link}")).format(link=link)
        await adapter.send_private(p["user_id"], text)
        return {"readded": False, "invite_sent": True, "why": type(exc).__name__}
