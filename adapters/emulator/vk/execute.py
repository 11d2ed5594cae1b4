"""The restricted VKScript `execute` accepts: up to 25 `API.<method>({json})` calls.

Forms: `return API.a({...});` and `return [API.a({...}), API.b({...})];`. This is
what adapters batch with (NOTES §4, §7); general VKScript (variables, loops) is
refused with error 12, over 25 calls with error 13.
"""

from __future__ import annotations

import json
import re
from typing import Any

from adapters.emulator.vk.errors import VkApiError

__all__ = ["MAX_CALLS", "parse_code", "wire_params"]

MAX_CALLS = 25
NAME = re.compile(r"\s*API\.([A-Za-z]+(?:\.[A-Za-z]+)?)\s*\(\s*")
DECODER = json.JSONDecoder()


def parse_code(code: str) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
    """The calls in `code`, and whether they were returned as a list."""
    body = code.strip()
    if not body.startswith("return"):
        raise VkApiError(12, "only `return API.method({...})` forms are supported")
    body = body[len("return") :].strip().rstrip(";").strip()
    listed = body.startswith("[")
    if listed:
        if not body.endswith("]"):
            raise VkApiError(12, "unterminated list")
        body = body[1:-1].strip()
    calls, pos = [], 0
    while pos < len(body):
        call, pos = _call(body, pos)
        calls.append(call)
        rest = body[pos:].lstrip()
        pos = len(body) - len(rest)
        if rest.startswith(","):
            pos += 1
        elif rest:
            raise VkApiError(12, f"unexpected {rest[:20]!r}")
    if not calls or (not listed and len(calls) > 1):
        raise VkApiError(12, "expected one call or a list of calls")
    if len(calls) > MAX_CALLS:
        raise VkApiError(13, f"too many API calls (max {MAX_CALLS})")
    return calls, listed


def _call(body: str, pos: int) -> tuple[tuple[str, dict[str, Any]], int]:
    match = NAME.match(body, pos)
    if match is None:
        raise VkApiError(12, f"expected API.<method>( at {body[pos : pos + 20]!r}")
    pos = match.end()
    args: Any = {}
    if not body.startswith(")", pos):
        try:
            args, pos = DECODER.raw_decode(body, pos)
        except json.JSONDecodeError as exc:
            raise VkApiError(12, f"arguments must be a JSON object: {exc.msg}") from None
    if not isinstance(args, dict):
        raise VkApiError(12, "arguments must be a JSON object")
    rest = body[pos:].lstrip()
    if not rest.startswith(")"):
        raise VkApiError(12, "expected )")
    return (match.group(1), args), len(body) - len(rest) + 1


def wire_params(args: dict[str, Any]) -> dict[str, str]:
    """VKScript values as the wire strings a direct call would carry (NOTES §0)."""
    return {k: _wire(v) for k, v in args.items() if v is not None}


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(_wire(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
