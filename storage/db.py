"""Engines, sessions and the one way code opens a transaction.

The same code runs on an embedded SQLite file and on PostgreSQL; the URL decides.
SQLite needs three adjustments to behave like a database under concurrent
coroutines: foreign keys on, WAL (readers never wait for the writer), and
`BEGIN IMMEDIATE` so a transaction takes the write lock up front instead of failing
with "database is locked" when it upgrades from reading to writing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

__all__ = ["Database", "async_url", "make_engine", "session_factory"]

SQLITE_BUSY_TIMEOUT_MS = 30_000

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


def async_url(url: str | URL) -> URL:
    """Point SQLite and PostgreSQL URLs at the async drivers etiket ships with.

    `sqlite:///x.db` and `postgresql://...` (any sync driver) become `sqlite+aiosqlite`
    and `postgresql+asyncpg`, so one configured URL serves the bot and the CLI.
    """
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.get_backend_name())
    if driver is None:
        raise ValueError(f"unsupported database URL {parsed!r}: use sqlite or postgresql")
    return parsed.set(drivername=driver)


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url)


def _tune_sqlite(engine: AsyncEngine, *, memory: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module; `_on_begin` issues BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


OVERFLOW = 4
"""Connections opened beyond the pool at a peak, and closed when given back."""


def make_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """An async engine for `url`, with SQLite tuned as described in the module docstring;
    `pool`: the PostgreSQL connections kept open (SQLAlchemy's default is 5)."""
    parsed = async_url(url)
    pool = kwargs.pop("pool", None)
    if parsed.get_backend_name() == "postgresql":
        # After a PostgreSQL restart every pooled connection is dead; without a ping the
        # first transaction on each fails although the server is back (issue [11/11]).
        kwargs.setdefault("pool_pre_ping", True)
        if pool is not None:  # SQLite has one writer, and its own pool
            kwargs.setdefault("pool_size", pool)
            kwargs.setdefault("max_overflow", OVERFLOW)
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        _tune_sqlite(engine, memory=_is_memory(parsed))
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (no lazy reload in async)."""
    return async_sessionmaker(engine, expire_on_commit=False)


class Database:
    """An engine and its sessions; `transaction()` is the unit of work.

    Everything one decision writes (the sanction, its audit record, the case number)
    goes through one `transaction()` so it commits or rolls back together.
    """

    def __init__(self, url: str | URL, **engine_kwargs: Any) -> None:
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = session_factory(self.engine)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside a transaction: committed on exit, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        """Dispose of the connection pool."""
        await self.engine.dispose()
