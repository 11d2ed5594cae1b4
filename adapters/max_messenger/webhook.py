"""`MaxWebhook`: MAX's POST deliveries as an `EventSource` (the production path, NOTES §3.2).

MAX wants HTTP 200 within 30 s and retries anything else, auto-unsubscribing after
8 hours of failures. So the route only checks the secret, parses and enqueues, then
answers at once; `run` feeds the queue to `handle` in arrival order, so one chat's
events keep their order. A payload we cannot read is acknowledged and logged:
a retry would bring the same bytes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from adapters.base import BatchHandler, Event
from adapters.max_messenger.parse import parse_update

__all__ = ["SECRET_HEADER", "MaxWebhook"]

log = logging.getLogger("etiket.max.webhook")

SECRET_HEADER = "X-Max-Bot-Api-Secret"  # NOTES §3.2, Go const.go SecretHeader


class MaxWebhook:
    """Receives deliveries on `path`; add it to an app with `add_routes`."""

    def __init__(
        self,
        secret: str,
        *,
        path: str = "/max/webhook",
        parse: Callable[[Mapping[str, Any]], Event | None] = parse_update,
        max_batch: int = 100,
        max_queue: int = 10_000,
        retry_delay: float = 1.0,
    ) -> None:
        if not secret:
            raise ValueError("a webhook secret is required")
        self._secret = secret.encode()
        self.path = path
        self.parse = parse
        self.max_batch = max_batch
        self.retry_delay = retry_delay
        self._queue: asyncio.Queue[Event] = asyncio.Queue(max_queue)
        self._stopping = asyncio.Event()
        self.received = 0

    def __repr__(self) -> str:
        return f"MaxWebhook({self.path!r})"

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(self.path, self.receive)

    async def receive(self, request: web.Request) -> web.Response:
        """Check the secret in constant time, enqueue, answer 200 without waiting."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("refused a MAX delivery with a wrong secret from %s", request.remote)
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
        except ValueError:
            log.warning("acknowledged an unreadable MAX delivery")
            return web.Response(status=200)
        # A delivery is one bare Update (NOTES §3.2); accept an UpdateList just in case.
        raws = data.get("updates") if isinstance(data, dict) and "updates" in data else [data]
        events = [e for e in (self.parse(r) for r in raws or () if isinstance(r, dict)) if e]
        try:
            for event in events:
                self._queue.put_nowait(event)
        except asyncio.QueueFull:
            # Better MAX retries later than we drop it now.
            log.error("the MAX webhook queue is full; asking MAX to redeliver")
            return web.Response(status=503)
        self.received += len(events)
        return web.Response(status=200)

    async def run(self, handle: BatchHandler) -> None:
        """Feed queued events to `handle`; a failing batch is retried until `stop()`."""
        while not (self._stopping.is_set() and self._queue.empty()):
            batch = await self._next_batch()
            if not batch:
                continue
            delay = self.retry_delay
            while True:
                try:
                    await handle(batch)
                    break
                except Exception:
                    if self._stopping.is_set():
                        log.exception("dropped %d MAX events while stopping", len(batch))
                        break
                    log.exception("handling MAX events failed; retrying in %.1fs", delay)
                    await self._pause(delay)
                    delay = min(delay * 2, 60.0)

    async def _next_batch(self) -> list[Event]:
        batch: list[Event] = []
        if self._queue.empty():
            waiter = asyncio.ensure_future(self._queue.get())
            stopper = asyncio.ensure_future(self._stopping.wait())
            try:
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            finally:  # a getter left pending would later swallow an event
                stopper.cancel()
                if not waiter.done():
                    waiter.cancel()
            if not waiter.done() or waiter.cancelled():
                return batch
            batch.append(waiter.result())
        while len(batch) < self.max_batch and not self._queue.empty():
            batch.append(self._queue.get_nowait())
        return batch

    async def _pause(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)

    async def stop(self) -> None:
        """Stop taking work; events already acknowledged are handed on first."""
        self._stopping.set()
