"""Storage fixtures: real PostgreSQL and Redis, failing loudly when they are missing.

PostgreSQL gets a throwaway database per test session, migrated once; SQLite a
migrated file. Tests isolate themselves by creating their own chats and keys, so the
migration cost is paid once per backend.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url

from storage.db import Database
from storage.migrate import upgrade
from storage.state import EphemeralState, FallbackState, MemoryState, RedisState

POSTGRES_URL = os.environ.get(
    "ETIKET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("ETIKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    try:
        connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({exc!r}); start it or set "
            "ETIKET_TEST_POSTGRES_URL",
            pytrace=False,
        )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped afterwards."""
    name = f"etiket_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        asyncio.run(upgrade(url))
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file for this test session."""
    path: Path = tmp_path_factory.mktemp("sqlite") / "etiket.db"
    url = f"sqlite:///{path}"
    asyncio.run(upgrade(url))
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """The migrated database URL of each backend in turn."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    try:
        yield database
    finally:
        await database.close()


async def _redis_client() -> Redis:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} ({exc!r}); start it or set "
            "ETIKET_TEST_REDIS_URL",
            pytrace=False,
        )
    return client


@pytest.fixture(params=["memory", "redis", "fallback"])
async def state_pair(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[EphemeralState, EphemeralState]]:
    """Two handles on one shared state: the same object in memory, two Redis clients.

    `fallback` is a `FallbackState` over each client, while Redis answers. Each test
    gets its own Redis key prefix; its keys are deleted afterwards.
    """
    if request.param == "memory":
        state = MemoryState()
        yield state, state
        return
    prefix = f"etiket-test:{uuid.uuid4().hex}:"
    redis = [RedisState(await _redis_client(), prefix=prefix) for _ in range(2)]
    if request.param == "fallback":
        first: EphemeralState = FallbackState(redis[0])
        second: EphemeralState = FallbackState(redis[1])
    else:
        first, second = redis
    try:
        yield first, second
    finally:
        if isinstance(first, FallbackState):
            assert not first.degraded
        keys = [key async for key in redis[0].client.scan_iter(match=f"{prefix}*")]
        if keys:
            await redis[0].client.delete(*keys)
        await first.close()
        await second.close()
