"""Regenerate the schema extracts the emulator and its tests ship with.

The emulator validates parameters against a trimmed copy of VK's methods.json
(`adapters/emulator/vk/methods.json`); the contract tests validate responses
against the closure of the response definitions they use (`vk_schema.json`).
Both come from the official VKCOM/vk-api-schema copy in shared/reference/vk.

    .venv/bin/python -m tests.emulator.regen_schema [path/to/reference/vk]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from adapters.emulator.vk.spec import SERVED_METHODS

HERE = Path(__file__).parent
REPO = HERE.parents[1]
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference" / "vk"
METHODS_OUT = REPO / "adapters" / "emulator" / "vk" / "methods.json"
SCHEMA_OUT = HERE / "vk_schema.json"
PARAM_KEYS = ("type", "items", "required", "minimum", "maximum", "maxLength", "maxItems", "enum")
EXTRA_DEFINITIONS = ("callback_base", "callback_message_object", "callback_message_event")


def trimmed_methods(reference: Path) -> dict[str, Any]:
    """Parameter specs (no descriptions) and response refs of the methods we serve."""
    methods = {
        m["name"]: m for m in json.loads((reference / "methods.json").read_text())["methods"]
    }
    out: dict[str, Any] = {}
    for name in SERVED_METHODS:
        method = methods[name]
        params = {}
        for param in method.get("parameters", []):
            spec = {k: param[k] for k in PARAM_KEYS if k in param}
            if "$ref" in param:
                spec["ref"] = param["$ref"].rsplit("/", 1)[-1]
            params[param["name"]] = spec
        responses = {k: v["$ref"].rsplit("/", 1)[-1] for k, v in method["responses"].items()}
        out[name] = {"parameters": params, "responses": responses}
    return out


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found


def schema_closure(reference: Path, methods: dict[str, Any]) -> dict[str, Any]:
    """Every response and object definition reachable from the served methods' responses."""
    files = {
        "responses.json": json.loads((reference / "responses.json").read_text())["definitions"],
        "objects.json": json.loads((reference / "objects.json").read_text())["definitions"],
    }
    out: dict[str, dict[str, Any]] = {"responses.json": {}, "objects.json": {}}
    todo = [
        f"responses.json#/definitions/{r}"
        for m in methods.values()
        for r in m["responses"].values()
    ]
    todo += [f"objects.json#/definitions/{d}" for d in EXTRA_DEFINITIONS]
    while todo:
        ref = todo.pop()
        file, _, pointer = ref.partition("#/definitions/")
        if pointer in out[file]:
            continue
        out[file][pointer] = files[file][pointer]
        todo.extend(_refs(files[file][pointer]))
    return out


def main(argv: list[str]) -> None:
    reference = Path(argv[0]) if argv else DEFAULT_REFERENCE
    methods = trimmed_methods(reference)
    METHODS_OUT.write_text(json.dumps(methods, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    closure = schema_closure(reference, methods)
    SCHEMA_OUT.write_text(json.dumps(closure, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"wrote {METHODS_OUT} and {SCHEMA_OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
