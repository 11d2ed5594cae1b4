"""What goes into `messages.send` besides the ids: inline keyboards and text chunks.

Both are checked here, before the call is queued, so a bad keyboard is a clear
`InvalidRequest` in the handler rather than VK error 911 after a round trip.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.base import Keyboard
from adapters.errors import InvalidRequest

__all__ = ["MAX_TEXT", "keyboard_json", "split_text"]

MAX_TEXT = 4096
"""NOTES §7: the schema allows 9000, but 4096 is what clients and vkbottle rely on."""

# NOTES §5: inline keyboards hold at most 6 rows of 5 and 10 buttons; payload ≤ 255.
_MAX_ROWS, _MAX_COLUMNS, _MAX_BUTTONS, _MAX_PAYLOAD = 6, 5, 10, 255
_COLORS = frozenset(("primary", "secondary", "positive", "negative"))


def keyboard_json(keyboard: Keyboard) -> str:
    """The `keyboard` parameter: an inline keyboard of callback buttons, as a JSON string."""
    rows = keyboard.rows
    if len(rows) > _MAX_ROWS or sum(len(r) for r in rows) > _MAX_BUTTONS:
        raise InvalidRequest("a VK inline keyboard holds at most 6 rows and 10 buttons")
    buttons: list[list[dict[str, Any]]] = []
    for row in rows:
        if len(row) > _MAX_COLUMNS:
            raise InvalidRequest("a VK inline keyboard row holds at most 5 buttons")
        out = []
        for button in row:
            payload = json.dumps(dict(button.payload), ensure_ascii=False, separators=(",", ":"))
            if len(payload) > _MAX_PAYLOAD:
                raise InvalidRequest(f"button payload over {_MAX_PAYLOAD} characters")
            action = {"type": "callback", "label": button.text, "payload": payload}
            color = button.style if button.style in _COLORS else "secondary"
            out.append({"action": action, "color": color})
        buttons.append(out)
    return json.dumps({"inline": True, "buttons": buttons}, ensure_ascii=False)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Chunks of at most `limit` characters, cut at a newline, else a space, else hard.

    The one boundary character at each cut is dropped (it would start the next message
    with a blank); everything else is kept, so joining the chunks with the dropped
    characters gives the text back. An empty text stays one empty chunk.
    """
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 1, limit + 1)
        if cut <= 0:
            cut = max(text.rfind(" ", 1, limit + 1), text.rfind("\t", 1, limit + 1))
        if cut <= 0:
            chunks.append(text[:limit])
            text = text[limit:]
        else:
            chunks.append(text[:cut])
            text = text[cut + 1 :]
    if text or not chunks:  # a cut at the very end leaves nothing worth a message
        chunks.append(text)
    return chunks
