"""Parse VK wire parameters and validate them against methods.json.

VK sends everything as strings (NOTES §0): arrays comma-separated, booleans 1/0,
nested objects as JSON strings. A missing required parameter or a value of the
wrong type is error 100 with VK's "<name> is undefined" / "<name> not integer"
texts; unknown parameters are accepted, as VK does, and returned for the call log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adapters.emulator.vk.errors import VkApiError
from adapters.emulator.vk.spec import GLOBAL_PARAMS

__all__ = ["parse_params"]

INT = re.compile(r"-?\d+")
BOOLS = {"1": True, "0": False, "true": True, "false": False}
NO_LENGTH_CHECK = frozenset({"message"})  # over 4096 is error 914, not 100 (NOTES §7)


def parse_params(
    spec: Mapping[str, Mapping[str, Any]], raw: Mapping[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """Typed values of the known params, and the names of the unknown ones."""
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for name, text in raw.items():
        param = spec.get(name)
        if param is None:
            if name not in GLOBAL_PARAMS:
                unknown.append(name)
            continue
        values[name] = _value(name, param, text)
    for name, param in spec.items():
        if param.get("required") and name not in values:
            raise VkApiError(100, f"{name} is undefined")
    return values, unknown


def _value(name: str, param: Mapping[str, Any], text: str) -> Any:
    kind = param.get("type", "string")
    if kind == "array":
        items = [] if text == "" else text.split(",")
        if len(items) > param.get("maxItems", len(items)):
            raise VkApiError(100, f"{name} has too many items (max {param['maxItems']})")
        item_spec = param.get("items", {})
        return [_scalar(name, item_spec, item.strip()) for item in items]
    value = _scalar(name, param, text)
    if isinstance(value, str) and name not in NO_LENGTH_CHECK:
        if len(value) > param.get("maxLength", len(value)):
            raise VkApiError(100, f"{name} is too long (max {param['maxLength']})")
    return value


def _scalar(name: str, param: Mapping[str, Any], text: str) -> Any:
    kind = param.get("type", "string")
    value: Any = text
    if kind == "integer":
        if not INT.fullmatch(text):
            raise VkApiError(100, f"{name} not integer")
        value = int(text)
    elif kind == ["integer", "string"]:
        value = int(text) if INT.fullmatch(text) else text
    elif kind == "number":
        try:
            value = float(text)
        except ValueError:
            raise VkApiError(100, f"{name} not number") from None
    elif kind == "boolean":
        if text.lower() not in BOOLS:
            raise VkApiError(100, f"{name} not boolean")
        value = BOOLS[text.lower()]
    if isinstance(value, int) and not isinstance(value, bool):
        if value < param.get("minimum", value) or value > param.get("maximum", value):
            raise VkApiError(100, f"{name} out of range")
    if "enum" in param and value not in param["enum"]:
        raise VkApiError(100, f"{name} should be one of {', '.join(map(str, param['enum']))}")
    return value
