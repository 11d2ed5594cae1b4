"""Turning parsed CSV rows into roster rows, naming every bad row (regulation point 8).

Every problem carries the file row number and a catalogue key; the import is
all-or-nothing, so the caller writes nothing unless `problems` is empty or the
school asked to skip invalid rows. Skipping is repeated until no surviving row
points at a skipped one (a parent_of that named a skipped child is then invalid).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.moderation.roster.csvfile import CsvTable
from bot.moderation.roster.mapping import ColumnMapping
from bot.moderation.roster.model import ROLES, STATUSES, RosterRow, RowProblem

__all__ = ["Validated", "validate"]

REQUIRED = ("person_id", "full_name", "role")
_ACCOUNT = re.compile(r"^-?\d{1,20}$")
_LIST_SPLIT = re.compile(r"[;,|\s]+")


@dataclass(frozen=True, slots=True)
class Validated:
    rows: tuple[RosterRow, ...]
    problems: tuple[RowProblem, ...]
    skipped: tuple[int, ...] = ()
    """Row numbers left out (only with skip_invalid)."""


def _items(cell: str) -> tuple[str, ...]:
    return tuple(sorted({p.strip() for p in _LIST_SPLIT.split(cell) if p.strip()}))


def _row(number: int, cells: dict[str, str], mapping: ColumnMapping) -> RosterRow:
    def cell(name: str) -> str:
        return cells.get(name, "").strip()

    return RosterRow(
        person_id=cell("person_id"),
        full_name=" ".join(cell("full_name").split()),
        role=mapping.value("role", cell("role")),
        class_name=cell("class") or None,
        status=mapping.value("status", cell("status") or "active"),
        vk_user_id=cell("vk_user_id") or None,
        max_user_id=cell("max_user_id") or None,
        parent_of=_items(cell("parent_of")),
        chats=_items(cell("chats")),
        row=number,
    )


def _own_problems(r: RosterRow) -> list[RowProblem]:
    out: list[RowProblem] = []
    for name in ("person_id", "full_name"):
        if not getattr(r, name):
            out.append(RowProblem(r.row, "missing_value", {"column": name}))
    if r.role not in ROLES:
        out.append(RowProblem(r.row, "unknown_role", {"value": r.role}))
    if r.status not in STATUSES:
        out.append(RowProblem(r.row, "unknown_status", {"value": r.status}))
    if r.role == "student" and not r.class_name:
        out.append(RowProblem(r.row, "student_without_class"))
    for column in ("vk_user_id", "max_user_id"):
        value = getattr(r, column)
        if value is not None and not _ACCOUNT.match(value):
            out.append(RowProblem(r.row, "bad_account", {"column": column, "value": value}))
    if r.person_id in r.parent_of:
        out.append(RowProblem(r.row, "parent_of_self"))
    return out


def _cross_problems(rows: list[RosterRow]) -> list[RowProblem]:
    out: list[RowProblem] = []
    ids = Counter(r.person_id for r in rows)
    known = set(ids)
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        if ids[r.person_id] > 1:
            out.append(RowProblem(r.row, "duplicate_person", {"value": r.person_id}))
        out += [
            RowProblem(r.row, "unknown_child", {"value": child})
            for child in r.parent_of
            if child not in known
        ]
        for column in ("vk_user_id", "max_user_id"):
            value = getattr(r, column)
            if value is None:
                continue
            first = seen.setdefault((column, value), r.row)
            if first != r.row:
                values = {"column": column, "value": value, "first": str(first)}
                out.append(RowProblem(r.row, "duplicate_account", values))
    return out


def validate(
    table: CsvTable, mapping: ColumnMapping | None = None, *, skip_invalid: bool = False
) -> Validated:
    """Map and check every row; with `skip_invalid`, drop bad rows until the rest is clean."""
    mapping = mapping or ColumnMapping()
    targets = [mapping.column(h) for h in table.header]
    missing = [c for c in REQUIRED if c not in targets]
    if missing or not table.header:
        problem = RowProblem(1, "missing_columns", {"columns": ", ".join(missing or REQUIRED)})
        return Validated((), (problem,))
    rows = []
    for number, cells in table.rows:
        named = {t: v for t, v in zip(targets, cells, strict=False) if t is not None}
        rows.append(_row(number, named, mapping))
    problems = [p for r in rows for p in _own_problems(r)] + _cross_problems(rows)
    if not skip_invalid or not problems:
        ordered = tuple(sorted(problems, key=lambda p: p.row))
        return Validated(() if problems else tuple(rows), ordered)
    all_problems = list(problems)
    while problems:
        bad = {p.row for p in problems}
        rows = [r for r in rows if r.row not in bad]
        problems = [p for r in rows for p in _own_problems(r)] + _cross_problems(rows)
        all_problems += problems
    skipped = tuple(sorted({p.row for p in all_problems}))
    unique = {(p.row, p.key, tuple(p.values.items())): p for p in all_problems}
    return Validated(tuple(rows), tuple(sorted(unique.values(), key=lambda p: p.row)), skipped)
