"""Real Redis for the scale-out pieces; each test has its own key prefix."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.scale import EventStreams

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc!r})", pytrace=False)
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    name = f"etiket-test:{uuid.uuid4().hex}:"
    yield name
    keys = [key async for key in redis.scan_iter(match=f"{name}*")]
    if keys:
        await redis.delete(*keys)


@pytest.fixture
def streams(redis: Redis, prefix: str) -> EventStreams:
    return EventStreams(redis, prefix=prefix, partitions=4)
