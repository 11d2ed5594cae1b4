"""Ephemeral state: in memory for one process, in Redis for several.

`make_state` picks by configuration, so the bot never names an implementation.
"""

from __future__ import annotations

from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff

from storage.state.base import EphemeralState
from storage.state.fallback import FallbackState
from storage.state.memory import MemoryState
from storage.state.redis import DEFAULT_PREFIX, RedisState

__all__ = [
    "DEFAULT_PREFIX",
    "FAIL_FAST",
    "EphemeralState",
    "FallbackState",
    "MemoryState",
    "RedisState",
    "make_state",
]

FAIL_FAST = 0.5
"""Seconds to connect or to answer before Redis counts as gone: a muted person's
message is deleted within one event-loop turn, so a hung Redis must not stall it."""


def make_state(
    redis_url: str | None, *, prefix: str = DEFAULT_PREFIX, fallback: bool = True
) -> EphemeralState:
    """Redis-backed state when a URL is configured, in-process state otherwise.

    With `fallback` (the single-process mode) Redis errors switch to process memory
    (`FallbackState`); without it (worker mode) they propagate, because workers that
    each fell back to their own memory would stop agreeing.
    """
    if not redis_url:
        return MemoryState()
    timeouts = {"socket_connect_timeout": FAIL_FAST, "socket_timeout": FAIL_FAST}
    if not fallback:
        # A few quick retries ride out a blip; then the error reaches the worker, which
        # holds its events until Redis is back rather than stalling on every call.
        retry = Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.25), 3)
        return RedisState.from_url(redis_url, prefix=prefix, retry=retry, **timeouts)
    # One immediate retry: after a Redis restart the pooled connections are dead and
    # the retry reconnects; more would only delay the switch to memory.
    redis = RedisState.from_url(redis_url, prefix=prefix, retry=Retry(NoBackoff(), 1), **timeouts)
    return FallbackState(redis)
