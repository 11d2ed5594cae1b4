"""Ephemeral state: in memory for one process, in Redis for several.

`make_state` picks by configuration, so the bot never names an implementation.
"""

from __future__ import annotations

from storage.state.base import EphemeralState
from storage.state.memory import MemoryState
from storage.state.redis import DEFAULT_PREFIX, RedisState

__all__ = ["DEFAULT_PREFIX", "EphemeralState", "MemoryState", "RedisState", "make_state"]


def make_state(redis_url: str | None, *, prefix: str = DEFAULT_PREFIX) -> EphemeralState:
    """Redis-backed state when a URL is configured, in-process state otherwise."""
    if redis_url:
        return RedisState.from_url(redis_url, prefix=prefix)
    return MemoryState()
