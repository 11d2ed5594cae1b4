"""One migrated SQLite file per session; each fuzz test runs on its own copy."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from storage.migrate import upgrade


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-template") / "etiket.db"
    asyncio.run(upgrade(f"sqlite:///{path}"))
    return path


@pytest.fixture
def database(migrated_sqlite: Path, tmp_path: Path) -> Path:
    """A fresh copy of the migrated database (a WAL file is checkpointed by then)."""
    path = tmp_path / "etiket.db"
    shutil.copyfile(migrated_sqlite, path)
    return path
