"""Loading the configuration and turning its errors into one line a person can act on."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config.settings import Settings

__all__ = ["ConfigError", "load_settings"]


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line naming the key."""


def _describe(err: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in err.get("loc", ())) or "(top level)"
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return f"unknown key '{key}'"
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    given = err.get("input")
    if (
        kind != "missing"
        and isinstance(given, str | int | float | bool)
        and repr(given) not in message
    ):
        return f"key '{key}': {message} (got {given!r})"
    return f"key '{key}': {message}"


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read `path` (TOML) and the environment; raise `ConfigError` with one clear line."""
    toml_path: Path | None = None
    if path is not None:
        toml_path = Path(path)
        if not toml_path.is_file():
            raise ConfigError(f"{toml_path}: no such configuration file")
        try:
            with toml_path.open("rb") as fh:
                tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{toml_path}: not valid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{toml_path}: cannot read: {exc.strerror}") from None
    where = f"{toml_path}: " if toml_path else ""
    cls = type("LoadedSettings", (Settings,), {"toml_path": toml_path})
    try:
        settings: Settings = cls(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(_describe(dict(e)) for e in exc.errors())
        raise ConfigError(f"{where}{problems}") from None
    return settings
