"""Mapping another export's column names and values onto the canonical ones (point 8).

A school feeds its e-journal's export as it is, with a mapping file (TOML)::

    [columns]
    "Код" = "person_id"
    "ФИО" = "full_name"
    "Категория" = "role"

    [values.role]
    "Обучающийся" = "student"

Canonical names always match (case and spaces ignored), and common Russian values
(«ученик», «родитель», «выбыл», ...) are understood without a mapping file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.moderation.roster.model import COLUMNS

__all__ = ["ColumnMapping", "MappingError", "parse_mapping"]

_DEFAULT_COLUMNS = {
    "id": "person_id",
    "фио": "full_name",
    "роль": "role",
    "класс": "class",
    "статус": "status",
    "дети": "parent_of",
    "чаты": "chats",
}
_DEFAULT_VALUES = {
    "role": {
        "ученик": "student",
        "родитель": "parent",
        "учитель": "teacher",
        "педагог": "teacher",
        "классный руководитель": "curator",
        "администрация": "administrator",
        "администратор": "administrator",
        "сотрудник": "staff",
    },
    "status": {
        "обучается": "active",
        "работает": "active",
        "активен": "active",
        "выбыл": "departed",
        "выбыла": "departed",
        "уволен": "departed",
        "уволена": "departed",
    },
}


class MappingError(ValueError):
    """The mapping file is not valid TOML or maps onto a column that does not exist."""


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Source column name -> canonical column, and per column source value -> canonical."""

    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def column(self, source: str) -> str | None:
        """The canonical column a header cell names, or None for a column we ignore."""
        key = _key(source)
        for given, target in self.columns.items():
            if _key(given) == key:
                return target
        if key in COLUMNS:
            return key
        return _DEFAULT_COLUMNS.get(key)

    def value(self, column: str, raw: str) -> str:
        """The canonical value of a cell; unknown values pass through (validation names them)."""
        key = _key(raw)
        for given, target in self.values.get(column, {}).items():
            if _key(given) == key:
                return target
        default = _DEFAULT_VALUES.get(column, {}).get(key)
        if default is not None:
            return default
        return key if column in _DEFAULT_VALUES else raw


def parse_mapping(text: str) -> ColumnMapping:
    """Read a mapping file; `MappingError` says what is wrong with it."""
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"not valid TOML: {exc}") from exc
    columns = tree.get("columns", {})
    values = tree.get("values", {})
    if not isinstance(columns, dict) or not isinstance(values, dict):
        raise MappingError("[columns] and [values.<column>] must be tables")
    for source, target in columns.items():
        if target not in COLUMNS:
            raise MappingError(f"column {source!r} maps onto unknown column {target!r}")
    for column, table in values.items():
        if column not in COLUMNS or not isinstance(table, dict):
            raise MappingError(f"[values.{column}] is not a table of a known column")
    return ColumnMapping(
        {str(k): str(v) for k, v in columns.items()},
        {c: {str(k): str(v) for k, v in t.items()} for c, t in values.items()},
    )
