"""Etiket keyboards and long texts in the shapes MAX accepts (NOTES §4)."""

from __future__ import annotations

import json
from typing import Any

from adapters.base import Keyboard
from adapters.errors import InvalidRequest

__all__ = ["MAX_TEXT", "keyboard_attachment", "message_bodies", "split_text"]

MAX_TEXT = 4000  # NOTES §6
MAX_ROWS, MAX_PER_ROW, MAX_BUTTONS = 30, 7, 210
MAX_PAYLOAD = 1024
MAX_BUTTON_TEXT = 128

# MAX knows only three intents; "primary" is the emphasised choice, so it goes green.
_INTENT = {"primary": "positive", "positive": "positive", "negative": "negative"}


def keyboard_attachment(keyboard: Keyboard) -> dict[str, Any]:
    """An `inline_keyboard` attachment; payloads travel as compact JSON strings.

    Limits are checked here because MAX rejects the whole message otherwise, and a
    too-big keyboard is our bug, not a transient condition.
    """
    rows = [row for row in keyboard.rows if row]
    if not rows or len(rows) > MAX_ROWS or sum(map(len, rows)) > MAX_BUTTONS:
        raise InvalidRequest(f"a MAX keyboard holds 1..{MAX_ROWS} rows, {MAX_BUTTONS} buttons")
    buttons: list[list[dict[str, Any]]] = []
    for row in rows:
        if len(row) > MAX_PER_ROW:
            raise InvalidRequest(f"a MAX keyboard row holds at most {MAX_PER_ROW} buttons")
        out = []
        for button in row:
            payload = json.dumps(dict(button.payload), ensure_ascii=False, separators=(",", ":"))
            if len(payload) > MAX_PAYLOAD:
                raise InvalidRequest(f"button payload longer than {MAX_PAYLOAD} characters")
            text = button.text.strip()
            if not text:
                raise InvalidRequest("a button needs a text")
            out.append(
                {
                    "type": "callback",
                    "text": text[:MAX_BUTTON_TEXT],
                    "payload": payload,
                    "intent": _INTENT.get(button.style, "default"),
                }
            )
        buttons.append(out)
    return {"type": "inline_keyboard", "payload": {"buttons": buttons}}


def message_bodies(
    text: str, keyboard: Keyboard | None, reply_to: str | None, text_format: str | None
) -> list[dict[str, Any]]:
    """`NewMessageBody`s for one logical message: the reply link goes on the first part,
    the keyboard on the last, so the buttons sit under the end of the text."""
    parts = split_text(text)
    if parts == [""] and keyboard is None:
        raise InvalidRequest("an empty message")
    bodies: list[dict[str, Any]] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        body: dict[str, Any] = {
            "text": part or None,
            "attachments": [keyboard_attachment(keyboard)] if last and keyboard else [],
            "link": {"type": "reply", "mid": reply_to} if reply_to and i == 0 else None,
        }
        if text_format:
            body["format"] = text_format
        bodies.append(body)
    return bodies


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut a long text into parts that fit, preferring paragraph, line and word breaks."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut >= limit // 2:
                break
        else:  # no good break in the second half: cut hard
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return [p for p in parts if p] or [""]
