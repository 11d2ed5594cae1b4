"""Telling "a service we depend on is down" apart from "this event is broken".

A handler that fails on a bad update is logged and the update skipped (the loop
goes on). A handler that fails because PostgreSQL or Redis is unreachable must not
skip anything: the event waits, unacknowledged, and is processed when the service
is back (issue [11/11], degradation). `is_unavailable` draws that line.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from redis import exceptions as redis_errors
from sqlalchemy import exc as sa

__all__ = ["is_unavailable", "patiently"]

log = logging.getLogger("etiket.unavailable")

T = TypeVar("T")

_ASYNCPG = (
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.OperatorInterventionError,  # "terminating connection" on restart
    # Not an outage, but the same answer: PostgreSQL asks for the transaction to be
    # run again, which handling the event again does.
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
)
_NETWORK_ERRNOS = {errno.ECONNREFUSED, errno.ECONNRESET, errno.ENETUNREACH, errno.EHOSTUNREACH}
_REDIS = (redis_errors.ConnectionError, redis_errors.TimeoutError, redis_errors.BusyLoadingError)


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) says a backing service could not be reached."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionError | TimeoutError | socket.gaierror):
            return True
        if isinstance(current, OSError) and current.errno in _NETWORK_ERRNOS:
            return True
        if isinstance(current, (*_ASYNCPG, *_REDIS, sa.TimeoutError)):
            return True
        if isinstance(current, sa.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, sa.DBAPIError) and current.orig is not None:
            current = current.orig
            continue
        current = current.__cause__ or current.__context__
    return False


async def patiently(step: Callable[[], Awaitable[T]], what: str, *, retry_max: float = 5.0) -> T:
    """Run `step` until no backing service is in its way; other errors are raised.

    For the steps a process cannot skip (the receiver appending to the streams,
    saving its long-poll cursor): it waits out an outage, with backoff up to
    `retry_max` seconds, logging once when it starts waiting and once when it goes on.
    """
    delay, waited = 0.1, False
    while True:
        try:
            result = await step()
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            if not waited:
                log.warning("%s: a backing service is away (%s); waiting", what, exc)
                waited = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, retry_max)
            continue
        if waited:
            log.warning("%s: the service is back, going on", what)
        return result
