"""The VK JSON Schema extract as jsonschema validators, for the contract tests.

`vk_schema.json` holds every response and object definition reachable from the
served methods (see `regen_schema.py`). Two things are rewritten before use:

- The schema marks required properties draft-3 style (`"required": true` on the
  property); draft-07 wants a `required` list on the parent, so it is moved there.
- Known schema errors documented in NOTES §1 are patched, each named in QUIRKS:
  an emulator that followed the schema there would not behave like VK.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

__all__ = ["QUIRKS", "method_response_refs", "validator"]

HERE = Path(__file__).parent

QUIRKS = {
    # NOTES §1/§5: message_event.payload arrives as a parsed JSON object, not a string.
    ("objects.json", "callback_message_event", "payload"): {"type": ["object", "string"]},
}
EXTRA_CALLBACK_TYPES = ["message_event"]  # NOTES §1: missing from the callback_type enum


def _draft7(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _draft7(v) for k, v in node.items() if not (k == "required" and isinstance(v, bool))}
    props = node.get("properties")
    if isinstance(props, dict):
        required = [name for name, spec in props.items() if spec.get("required") is True]
        if required:
            out["required"] = required
    return out


@cache
def _registry() -> Registry[Any]:
    data = json.loads((HERE / "vk_schema.json").read_text())
    data = copy.deepcopy(data)
    for (file, name, prop), patch in QUIRKS.items():
        data[file][name]["properties"][prop] = patch
    data["objects.json"]["callback_type"]["enum"].extend(EXTRA_CALLBACK_TYPES)
    resources = []
    for file, definitions in data.items():
        document = {"definitions": {k: _draft7(v) for k, v in definitions.items()}}
        resources.append((file, Resource.from_contents(document, default_specification=DRAFT7)))
    return Registry().with_resources(resources)


def validator(ref: str) -> Draft7Validator:
    """A validator for e.g. `responses.json#/definitions/users_get_response`."""
    return Draft7Validator({"$ref": ref}, registry=_registry())


@cache
def method_response_refs(method: str) -> dict[str, str]:
    """The method's responses from methods.json: variant name → full `$ref`."""
    methods = json.loads(
        (HERE.parents[1] / "adapters" / "emulator" / "vk" / "methods.json").read_text()
    )
    return {k: f"responses.json#/definitions/{v}" for k, v in methods[method]["responses"].items()}


def assert_valid(ref: str, instance: Any) -> None:
    errors = sorted(validator(ref).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
