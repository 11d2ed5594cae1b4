"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.db import Database, async_url
from storage.migrate import alembic_config, upgrade_sync
from storage.models import Base


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _head(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


class TestMigrations:
    async def test_schema_matches_models(self, db: Database) -> None:
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert set(Base.metadata.tables) <= tables

    async def test_database_is_at_head(self, db: Database) -> None:
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_head) == head


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/etiket.db", "sqlite+aiosqlite:///data/etiket.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_urls_are_rewritten_to_async_drivers(given: str, expected: str) -> None:
    assert async_url(given).render_as_string() == expected


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        async_url("mysql://u@h/db")


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_upgrade_sync_is_repeatable(tmp_path: Path) -> None:
    """What `etiket db upgrade` does, twice: the second run finds nothing to do."""
    path = tmp_path / "bot.db"
    upgrade_sync(f"sqlite:///{path}")
    upgrade_sync(f"sqlite:///{path}")
    assert set(Base.metadata.tables) | {"alembic_version"} == _tables(path)


def test_plain_alembic_commands_run_and_downgrade(tmp_path: Path) -> None:
    """Without a connection handed in, env.py opens its own async engine."""
    path = tmp_path / "cli.db"
    config = alembic_config(f"sqlite:///{path}")
    command.upgrade(config, "head")
    assert set(Base.metadata.tables) <= _tables(path)
    command.downgrade(config, "base")
    assert _tables(path) == {"alembic_version"}
