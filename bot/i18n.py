"""User-facing texts: one TOML catalogue per language, Russian by default.

Handlers never hold literal texts; they ask `texts.t("section.key", **values)`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["LANGUAGES", "Texts", "catalogue"]

LANGUAGES = ("ru", "en")


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    """All texts of one language as `section.key -> template`."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    raw = resources.files("bot.texts").joinpath(f"{language}.toml").read_text("utf-8")
    return _flatten(tomllib.loads(raw))


class Texts:
    """Texts of one language; a key missing there falls back to Russian."""

    def __init__(self, language: str = "ru") -> None:
        self.language = language
        self._own = catalogue(language)
        self._fallback = catalogue("ru")

    def t(self, key: str, **values: Any) -> str:
        template = self._own.get(key) or self._fallback.get(key)
        if template is None:
            raise KeyError(f"no text {key!r} in the {self.language} catalogue")
        return template.format(**values) if values else template
