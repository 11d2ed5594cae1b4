"""Read a `NewMessageBody`'s attachments into a world keyboard (NOTES §4 limits).

Only `inline_keyboard` is emulated; media attachments need the upload flow, which
the emulator does not serve, so they are refused as a bad request.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.emulator.max.errors import MaxApiError
from adapters.emulator.model import Button, Keyboard

__all__ = ["parse_attachments"]

MAX_ROWS, MAX_PER_ROW, MAX_BUTTONS = 30, 7, 210
NARROW = frozenset({"link", "open_app", "request_geo_location", "request_contact"})
NARROW_PER_ROW = 3  # rows holding these buttons fit at most three
KINDS = frozenset({"callback", "message", "clipboard", "chat"} | NARROW)
INTENTS = frozenset({"positive", "negative", "default"})
MAX_TEXT, MAX_PAYLOAD, MAX_URL = 128, 1024, 2048


def _bad(detail: str) -> MaxApiError:
    return MaxApiError(400, "proto.payload", detail)


def parse_attachments(attachments: Any) -> Keyboard | None:
    """The keyboard among `attachments` (None if there is none); 400 on any breach."""
    if attachments is None:
        return None
    if not isinstance(attachments, list):
        raise _bad("attachments must be a list")
    keyboard: Keyboard | None = None
    for item in attachments:
        if not isinstance(item, dict) or item.get("type") != "inline_keyboard":
            raise _bad("only inline_keyboard attachments are emulated")
        if keyboard is not None:
            raise _bad("a message holds one inline keyboard")
        keyboard = _keyboard(item.get("payload"))
    return keyboard


def _keyboard(payload: Any) -> Keyboard:
    rows = payload.get("buttons") if isinstance(payload, dict) else None
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise _bad("payload.buttons must be a non-empty list of rows")
    if len(rows) > MAX_ROWS or sum(map(len, rows)) > MAX_BUTTONS:
        raise _bad(f"at most {MAX_ROWS} rows and {MAX_BUTTONS} buttons")
    parsed = []
    for row in rows:
        buttons = tuple(_button(b) for b in row)
        narrow = any(b.kind in NARROW for b in buttons)
        if not buttons or len(buttons) > (NARROW_PER_ROW if narrow else MAX_PER_ROW):
            raise _bad("a row holds 1..7 buttons (1..3 with link or request buttons)")
        parsed.append(buttons)
    return Keyboard(tuple(parsed), inline=True)


def _button(data: Any) -> Button:
    if not isinstance(data, dict) or data.get("type") not in KINDS:
        raise _bad(f"unknown button {data!r:.80}")
    kind, text = str(data["type"]), data.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
        raise _bad(f"button text must be 1..{MAX_TEXT} characters")
    intent = data.get("intent", "default")
    if intent not in INTENTS:
        raise _bad(f"unknown intent {intent!r}")
    payload: Any = None
    if kind == "callback":
        raw = data.get("payload")
        if not isinstance(raw, str) or len(raw) > MAX_PAYLOAD:
            raise _bad(f"callback payload must be a string of at most {MAX_PAYLOAD}")
        payload = _decoded(raw)
    url = data.get("url", "")
    if kind == "link" and not (isinstance(url, str) and 0 < len(url) <= MAX_URL):
        raise _bad(f"link buttons need a url of at most {MAX_URL} characters")
    return Button(kind, text, payload, str(intent), str(url or ""))


def _decoded(raw: str) -> Any:
    """The world matches presses on decoded payloads, as the control API sends them."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw
