"""The domain is pure (DESIGN.md, layout): no database, network or scheduler imports."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.moderation

FORBIDDEN = {"aiohttp", "sqlalchemy", "redis", "asyncpg", "aiosqlite", "apscheduler", "adapters"}
ROOT = Path(bot.moderation.__file__).parent


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_io_libraries_imported() -> None:
    modules = sorted(ROOT.rglob("*.py"))
    assert modules
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN) for path in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_storage_or_handler_imports() -> None:
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("storage", "bot.handlers")), path


def test_no_clock_reads() -> None:
    """Time is passed in; decisions never ask the clock."""
    for path in ROOT.glob("*.py"):
        source = path.read_text("utf-8")
        assert ".now(" not in source and "utcnow" not in source, path
