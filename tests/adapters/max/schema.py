"""Validate JSON against the official MAX OpenAPI schema (shared/reference/max/schema.yaml).

OpenAPI 3.0 is not JSON Schema: `nullable` becomes a null alternative, discriminators
dispatch to their members (see `_dispatch`), and
`required` names that are not properties are dropped (the schema lists `link` as
required in `MessageBody`, which no real payload carries). The legacy permission
names the server still sends (SOURCE.md) are added to `ChatAdminPermission`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA = Path(__file__).resolve().parents[4] / "shared" / "reference" / "max" / "schema.yaml"
if not SCHEMA.exists():
    SCHEMA = Path("/work/shared/reference/max/schema.yaml")


LEGACY_PERMISSIONS = ["post_edit_delete_message", "edit_message", "delete_message"]


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v) for k, v in node.items() if k not in ("nullable", "discriminator")}
    if isinstance(out.get("required"), list) and isinstance(out.get("properties"), dict):
        out["required"] = [r for r in out["required"] if r in out["properties"]]
    if node.get("nullable") is True:
        if "type" in out and "enum" not in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


def _dispatch(schemas: dict[str, Any]) -> None:
    """Make discriminators bite: `X` checks `X__base` plus the member its tag names.

    Members `allOf` their base; they are pointed at `X__base` so nothing recurses.
    """
    for name, schema in list(schemas.items()):
        disc = schema.get("discriminator")
        if not disc or "mapping" not in disc:
            continue
        base = {k: v for k, v in schema.items() if k not in ("discriminator", "oneOf")}
        schemas[f"{name}__base"] = base
        prop = disc["propertyName"]
        branches = []
        for tag, ref in disc["mapping"].items():
            member = schemas[ref.rsplit("/", 1)[1]]
            for part in member.get("allOf", ()):
                if part.get("$ref") == f"#/components/schemas/{name}":
                    part["$ref"] = f"#/components/schemas/{name}__base"
            branches.append(
                {
                    "if": {"properties": {prop: {"const": tag}}, "required": [prop]},
                    "then": {"$ref": ref},
                }
            )
        schemas[name] = {"allOf": [{"$ref": f"#/components/schemas/{name}__base"}, *branches]}


@cache
def _registry() -> Registry:
    raw = yaml.safe_load(SCHEMA.read_text("utf-8"))
    schemas = raw["components"]["schemas"]
    # SOURCE.md: the live server also sends these legacy permission names.
    schemas["ChatAdminPermission"]["enum"] += LEGACY_PERMISSIONS
    _dispatch(schemas)
    resource = Resource.from_contents(_convert(raw), default_specification=DRAFT202012)
    return Registry().with_resource("urn:max", resource)


def check(name: str, instance: Any) -> None:
    """Raise `jsonschema.ValidationError` unless `instance` is a valid `name`."""
    registry = _registry()
    schema = {"$ref": f"urn:max#/components/schemas/{name}"}
    Draft202012Validator(schema, registry=registry).validate(instance)


def check_update(update: dict[str, Any]) -> None:
    """Validate an Update against the member its `update_type` names."""
    check("Update", update)
