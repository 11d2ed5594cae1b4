"""Telling "a service we depend on is down" apart from "this event is broken".

A handler that fails on a bad update is logged and the update skipped (the loop
goes on). A handler that fails because PostgreSQL or Redis is unreachable must not
skip anything: the event waits, unacknowledged, and is processed when the service
is back (issue [11/11], degradation). `is_unavailable` draws that line.
"""

from __future__ import annotations

import errno
import socket

import asyncpg
from redis import exceptions as redis_errors
from sqlalchemy import exc as sa

__all__ = ["is_unavailable"]

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
