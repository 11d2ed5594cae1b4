"""Apply the Alembic migrations programmatically: what `etiket db upgrade` calls.

No alembic.ini: the configuration is built here, with `script_location` pointing at
the `storage/migrations` folder inside the installed package.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, Connection

from storage.db import async_url, make_engine

__all__ = ["alembic_config", "upgrade", "upgrade_sync"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | URL | None = None) -> Config:
    """An in-memory Alembic config for `url` (rewritten to the async driver)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        rendered = async_url(url).render_as_string(hide_password=False)
        # ConfigParser interpolates '%', which URL-encoded passwords contain.
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(url: str | URL, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (default: the newest)."""
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, alembic_config(url), revision)
    finally:
        await engine.dispose()


def upgrade_sync(url: str | URL, revision: str = "head") -> None:
    """`upgrade` for callers without an event loop (the CLI)."""
    asyncio.run(upgrade(url, revision))
