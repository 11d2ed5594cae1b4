"""Parse and check a `keyboard` parameter (NOTES §5); any breach is error 911."""

from __future__ import annotations

import json
from typing import Any

from adapters.emulator.model import Button, Keyboard
from adapters.emulator.vk.errors import VkApiError

__all__ = ["parse_keyboard"]

ACTIONS = frozenset(
    {"text", "callback", "open_link", "location", "vkpay", "open_app", "open_photo"}
)
LABELLED = frozenset({"text", "callback", "open_link"})
COLORS = frozenset({"primary", "secondary", "negative", "positive", "default"})
# (rows, columns, buttons): docs limits for inline and for chat keyboards
LIMITS = {True: (6, 5, 10), False: (10, 5, 40)}
MAX_LABEL = 40
MAX_PAYLOAD = 255


def parse_keyboard(text: str) -> Keyboard:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise VkApiError(911, f"not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("buttons"), list):
        raise VkApiError(911, "buttons must be a list of rows")
    inline, one_time = bool(data.get("inline", False)), bool(data.get("one_time", False))
    if inline and one_time:
        raise VkApiError(911, "one_time is not allowed with inline")
    max_rows, max_cols, max_buttons = LIMITS[inline]
    rows = data["buttons"]
    if len(rows) > max_rows or sum(len(r) for r in rows if isinstance(r, list)) > max_buttons:
        raise VkApiError(911, "too many buttons")
    parsed = []
    for row in rows:
        if not isinstance(row, list) or len(row) > max_cols:
            raise VkApiError(911, "a row must be a list of at most 5 buttons")
        parsed.append(tuple(_button(b) for b in row))
    return Keyboard(tuple(parsed), inline=inline, one_time=one_time)


def _button(data: Any) -> Button:
    action = data.get("action") if isinstance(data, dict) else None
    if not isinstance(action, dict) or action.get("type") not in ACTIONS:
        raise VkApiError(911, "a button needs an action of a known type")
    kind, label = action["type"], action.get("label", "")
    if kind in LABELLED and not (isinstance(label, str) and 0 < len(label) <= MAX_LABEL):
        raise VkApiError(911, f"{kind} buttons need a label of 1..{MAX_LABEL} characters")
    color = data.get("color", "")
    if color and color not in COLORS:
        raise VkApiError(911, f"unknown color {color}")
    if kind == "open_link" and not action.get("link"):
        raise VkApiError(911, "open_link buttons need a link")
    payload: Any = None
    if "payload" in action:
        raw = action["payload"]
        if not isinstance(raw, str) or len(raw) > MAX_PAYLOAD:
            raise VkApiError(911, f"payload must be a JSON string of at most {MAX_PAYLOAD}")
        try:
            payload = json.loads(raw)
        except json.JSONDecodeError:
            raise VkApiError(911, "payload is not valid JSON") from None
    return Button(kind, label, payload, color, str(action.get("link", "")))
