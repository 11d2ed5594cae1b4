"""`MaxPolling`: the `GET /updates` long-poll loop as an `EventSource`.

The marker is the only thing that must never be lost (NOTES §3.1, §7): it is loaded
at start, sent on every poll, kept when a poll comes back empty or fails, and saved
only after `handle` has returned, so a crash replays a batch instead of skipping it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from adapters.base import BatchHandler, CursorStore, Event
from adapters.errors import TransientError
from adapters.max_messenger.api import MaxApi, Query
from adapters.max_messenger.parse import parse_update
from adapters.outbound import HEADROOM, RateLimiter

__all__ = ["DEFAULT_TYPES", "MaxPolling"]

log = logging.getLogger("etiket.max.polling")

DEFAULT_TYPES = (
    "message_created",
    "message_edited",
    "message_callback",
    "user_added",
    "user_removed",
    "bot_added",
    "bot_removed",
)


class MaxPolling:
    """Long polling with a durable marker and jittered backoff that never gives up."""

    def __init__(
        self,
        api: MaxApi,
        cursors: CursorStore,
        *,
        limiter: RateLimiter | None = None,
        bucket: str = "",
        rate: float = 30.0,
        types: Sequence[str] = DEFAULT_TYPES,
        limit: int = 100,
        timeout: int = 30,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,  # NOTES §0: back off up to about a minute
        cursor_key: str | None = None,
        parse: Callable[[Mapping[str, Any]], Event | None] = parse_update,
    ) -> None:
        self.api = api
        self.cursors = cursors
        self.limiter = limiter
        self.bucket = bucket or f"max:{api.fingerprint}"
        self.rate = rate
        self.types = ",".join(types)
        self.limit = limit
        self.timeout = timeout
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.cursor_key = cursor_key or f"max:{api.fingerprint}:updates"
        self.parse = parse
        self.marker: int | None = None
        self._stopping = asyncio.Event()
        self._fetch: asyncio.Task[dict[str, Any]] | None = None

    def __repr__(self) -> str:
        return f"MaxPolling(bucket={self.bucket!r})"

    def backoff(self, failures: int) -> float:
        """Equal-jitter exponential delay: never zero, never above the cap."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** max(failures - 1, 0))
        return random.uniform(ceiling / 2, ceiling)

    async def run(self, handle: BatchHandler) -> None:
        self.marker = await self._load()
        failures = 0
        while not self._stopping.is_set():
            try:
                page = await self._poll()
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if self._stopping.is_set() and task is not None and not task.cancelling():
                    break  # our own stop() cut the long poll short
                raise
            except Exception as exc:  # network, 5xx, 429, even auth: retry, keep the marker
                failures += 1
                delay = self.backoff(failures)
                # A bad token or a refused request will not heal by itself: say so louder.
                level = logging.WARNING if isinstance(exc, TransientError) else logging.ERROR
                log.log(level, "MAX poll failed (%r); retrying in %.1fs", exc, delay)
                await self._pause(delay)
                continue
            events = [e for e in map(self._parse_one, page.get("updates") or ()) if e]
            if events:
                try:
                    await handle(events)
                except Exception:
                    failures += 1
                    delay = self.backoff(failures)
                    log.exception("handling a MAX batch failed; replaying it in %.1fs", delay)
                    await self._pause(delay)
                    continue
            failures = 0
            await self._advance(page.get("marker"))

    async def _poll(self) -> dict[str, Any]:
        if self.limiter is not None:  # polls count toward the token's budget (NOTES §8.3)
            delay = await self.limiter.reserve(self.bucket, self.rate * (1 - HEADROOM))
            if delay > 0:
                await asyncio.sleep(delay)
        query: Query = {
            "limit": self.limit,
            "timeout": self.timeout,
            "types": self.types,
            "marker": self.marker,
        }
        self._fetch = asyncio.create_task(
            self.api.request(
                "GET",
                "/updates",
                query=query,
                time_limit=self.timeout + 15,  # NOTES §3.1: must outlast the server's wait
            )
        )
        try:
            return await self._fetch
        finally:
            self._fetch = None

    def _parse_one(self, raw: Any) -> Event | None:
        return self.parse(raw) if isinstance(raw, dict) else None

    async def _advance(self, marker: Any) -> None:
        # NOTES §3.1 (Go #159): a null marker after an empty poll must not reset ours.
        if type(marker) is not int or marker == self.marker:
            return
        self.marker = marker
        try:
            await self.cursors.save_cursor(self.cursor_key, str(marker))
        except Exception:
            # The marker lives on in memory; a crash before the next save only replays.
            log.exception("could not save the MAX marker %s", marker)

    async def _load(self) -> int | None:
        stored = await self.cursors.load_cursor(self.cursor_key)
        if stored is None:
            return None
        try:
            return int(stored)
        except ValueError:
            log.warning("ignoring a malformed stored MAX marker %r", stored)
            return None

    async def _pause(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)

    async def stop(self) -> None:
        """End `run` cleanly: a long poll in flight is cut, a batch in hand is finished."""
        self._stopping.set()
        if self._fetch is not None:
            self._fetch.cancel()
