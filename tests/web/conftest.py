"""Dashboard fixtures: a seeded database per test, an app with a controllable clock.

A migrated SQLite file is made once per session and copied for each test, so every
test owns its data at the cost of a file copy.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import Settings
from bot.web import MetricsRegistry, WebOptions, create_web_app
from storage.db import Database
from storage.migrate import upgrade
from tests.storage.conftest import postgresql_url  # noqa: F401  (fixture)
from tests.web.helpers import HASHER, Clock, Seed, seed


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web-template") / "etiket.db"
    asyncio.run(upgrade(f"sqlite:///{path}"))
    return path


@pytest.fixture
async def web_db(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    path = tmp_path / "etiket.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def seeded(web_db: Database) -> Seed:
    return await seed(web_db)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def metrics() -> MetricsRegistry:
    return MetricsRegistry()


def make_app(
    db: Database, clock: Clock, metrics: MetricsRegistry, options: WebOptions | None = None
) -> web.Application:
    settings = Settings(database_url=str(db.engine.url), timezone="Europe/Moscow")
    return create_web_app(
        settings, db, clock=clock, hasher=HASHER, metrics=metrics, options=options
    )


@pytest.fixture
def app(web_db: Database, seeded: Seed, clock: Clock, metrics: MetricsRegistry) -> web.Application:
    return make_app(web_db, clock, metrics)
