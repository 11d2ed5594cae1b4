"""Reading a school's rule set (TOML) with an optional per-chat override.

The version is explicit (`version = "2026-09"`) or, if absent, a short hash of the
file, so a case can always name the text it cited (regulation point 7). A mistake in
the file is one line naming the file, the rule and the field, because the person
who reads it is a school administrator, not a developer.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from bot.moderation.rules import Rule, RuleSet

__all__ = [
    "RuleSetError",
    "default_ruleset",
    "load_ruleset",
    "parse_ruleset",
    "ruleset_to_dict",
]

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_VERSION = re.compile(r"^[\w.\-]{1,20}$")
_VERSION_MAX = 32  # storage keeps `rule_version` in 32 characters
_TOP_LEVEL = {"version", "rules", "policy"}  # a school may keep its policy alongside
_REQUIRED_TEXT = ("alias", "title", "text")
_OPTIONAL_TEXT = ("title_en", "text_en")
_FLAGS = ("no_early_unblock", "detector")
_NUMBERS = {"number": (1, 99), "weight": (1, 10), "default_block_days": (1, 365)}
_FIELDS = {*_REQUIRED_TEXT, *_OPTIONAL_TEXT, *_FLAGS, *_NUMBERS}


class RuleSetError(ValueError):
    """A rule file that cannot be used; the message is one line naming rule and field."""


def _rule(code: str, raw: object, source: str) -> Rule:
    where = f"{source}: rule {code!r}"
    if not _CODE.match(code):
        raise RuleSetError(f"{where}: the code must be lowercase latin letters, digits or _")
    if not isinstance(raw, Mapping):
        raise RuleSetError(f"{where}: expected a table of fields")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise RuleSetError(f"{where}: unknown field {unknown[0]!r}")
    values: dict[str, Any] = {"code": code}
    for name in (*_REQUIRED_TEXT, *_OPTIONAL_TEXT):
        value = raw.get(name)
        if value is None and name in _OPTIONAL_TEXT:
            continue
        if not isinstance(value, str) or not value.strip():
            raise RuleSetError(f"{where}: field {name!r} must be a non-empty string")
        values[name] = value.strip()
    if any(ch.isspace() for ch in values["alias"]) or values["alias"].isdigit():
        raise RuleSetError(f"{where}: field 'alias' must be one word, not a number")
    for name in _FLAGS:
        flag = raw.get(name, False)
        if not isinstance(flag, bool):
            raise RuleSetError(f"{where}: field {name!r} must be true or false")
        values[name] = flag
    for name, (low, high) in _NUMBERS.items():
        number = raw.get(name)
        if number is None and name != "number":
            continue
        if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
            raise RuleSetError(f"{where}: field {name!r} must be a whole number {low}..{high}")
        values[name] = number
    return Rule(**values)


def parse_ruleset(data: Mapping[str, Any], *, version: str, source: str = "rules") -> RuleSet:
    """A validated `RuleSet` from a parsed TOML (or archived JSON) mapping."""
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        raise RuleSetError(f"{source}: unknown top-level key {unknown[0]!r}")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, Mapping) or not raw_rules:
        raise RuleSetError(f"{source}: no rules; expected [rules.<code>] tables")
    rules = tuple(_rule(code, raw, source) for code, raw in raw_rules.items())
    stamped = tuple(replace(rule, version=version) for rule in rules)
    try:
        return RuleSet(version, stamped)
    except ValueError as exc:
        raise RuleSetError(f"{source}: {exc}") from None


def _version(data: Mapping[str, Any], content: str, source: str) -> str:
    explicit = data.get("version")
    if explicit is None:
        return hashlib.sha256(content.encode("utf-8")).hexdigest()[:8]
    if not isinstance(explicit, str) or not _VERSION.match(explicit):
        raise RuleSetError(f"{source}: 'version' must be a short string like \"2026-09\"")
    return explicit


def _combined(school: str, chat: str) -> str:
    """`2026-09+c1`; kept within the 32 characters a case row stores."""
    combined = f"{school}+{chat}"
    if len(combined) <= _VERSION_MAX:
        return combined
    return f"{school}+{hashlib.sha256(chat.encode('utf-8')).hexdigest()[:8]}"


def _read(content: str, source: str) -> tuple[dict[str, Any], str]:
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"{source}: not valid TOML: {exc}") from None
    return data, _version(data, content, source)


def _file(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise RuleSetError(f"{path}: cannot read the rules file: {exc.strerror}") from None


def _merge(base: Mapping[str, Any], override: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Override rules by code: known fields replace the school's, a new code adds a rule."""
    rules = {code: dict(fields) for code, fields in base.get("rules", {}).items()}
    extra = override.get("rules", {})
    if not isinstance(extra, Mapping):
        raise RuleSetError(f"{source}: 'rules' must be tables [rules.<code>]")
    for code, fields in extra.items():
        if not isinstance(fields, Mapping):
            raise RuleSetError(f"{source}: rule {code!r}: expected a table of fields")
        rules[code] = {**rules.get(code, {}), **fields}
    return {**base, "rules": rules}


def load_ruleset(path: Path | None, chat_override: Path | None = None) -> RuleSet:
    """The school's rules (`None`: the packaged default), with a chat's override applied."""
    if path is None:
        source = "default_rules.toml"
        content = resources.files("bot.moderation").joinpath(source).read_text("utf-8")
    else:
        source, content = str(path), _file(path)
    data, version = _read(content, source)
    if chat_override is not None:
        extra, extra_version = _read(_file(chat_override), str(chat_override))
        unknown = sorted(set(extra) - _TOP_LEVEL)
        if unknown:
            raise RuleSetError(f"{chat_override}: unknown top-level key {unknown[0]!r}")
        data = _merge(data, extra, str(chat_override))
        version, source = _combined(version, extra_version), f"{source} + {chat_override}"
    return parse_ruleset(data, version=version, source=source)


@cache
def default_ruleset() -> RuleSet:
    """The regulation's seven rules as shipped (DESIGN.md, the rule-code table)."""
    return load_ruleset(None)


def ruleset_to_dict(ruleset: RuleSet) -> dict[str, Any]:
    """A JSON/TOML-ready copy, so storage can archive each version for old cases."""
    rules: dict[str, Any] = {}
    for rule in ruleset:
        fields = {k: v for k, v in asdict(rule).items() if v is not None}
        del fields["code"], fields["version"]
        rules[rule.code] = fields
    return {"version": ruleset.version, "rules": rules}
