"""`VkLongPoll`: the Bots Long Poll loop as an `EventSource` (NOTES §2, §8).

What users of other frameworks complained about shapes it: the loop survives every
network failure and keeps `ts` (backing off with jitter), `failed` 1/2/3 are handled
each their own way, a watchdog renews the HTTP session when a request hangs past
its timeout, and `ts` is stored only after `handle` returned, so a restart replays
the last batch instead of skipping it (the intake drops the replayed duplicates).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from adapters.base import BatchHandler, CursorStore, Event
from adapters.errors import (
    AuthFailed,
    FloodControl,
    InvalidRequest,
    MessengerError,
    NotAdmin,
    NotSupported,
    TransientError,
)
from adapters.vk_messenger.adapter import VkAdapter
from adapters.vk_messenger.parse import parse_update

__all__ = ["VkLongPoll"]

log = logging.getLogger(__name__)

_FATAL = (AuthFailed, InvalidRequest, NotAdmin, NotSupported)
"""Configuration errors: retrying cannot help, so `run` raises them."""


class _Stopped(Exception):
    """The in-flight request was cancelled by `stop()`."""


class VkLongPoll:
    """Polls `a_check` and hands each batch of events to `handle`; see the module docstring.

    `cursor_key` defaults to `vk:<group_id>`. `http_timeout` defaults to wait + 10 s and
    `watchdog_after` to 3 × wait (NOTES §2, §8); tests shrink them.

    `linger`: after an answer that carried events, wait this long before asking again.
    Under a steady stream the next answer then carries several events rather than one,
    so the poll, the handling and the stream appends cost a fraction of the requests
    (as Kafka's `linger.ms`); an event waits at most `linger` longer. An empty answer
    (the long poll's `wait` ran out) is followed by the next request at once.
    """

    def __init__(
        self,
        adapter: VkAdapter,
        cursors: CursorStore,
        *,
        cursor_key: str | None = None,
        wait: int = 25,
        http_timeout: float | None = None,
        watchdog_after: float | None = None,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        flood_delay: float = 60.0,
        configure: bool = False,
        session_factory: Callable[[], aiohttp.ClientSession] = aiohttp.ClientSession,
        stop_grace: float = 10.0,
        linger: float = 0.0,
    ) -> None:
        self.adapter = adapter
        self.cursors = cursors
        self.cursor_key = cursor_key
        self.wait = wait  # NOTES §2: 25, because proxies cut idle requests near 30 s
        self.http_timeout = http_timeout if http_timeout is not None else wait + 10
        self.watchdog_after = watchdog_after if watchdog_after is not None else 3 * wait
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.flood_delay = flood_delay
        self.configure = configure
        self.stop_grace = stop_grace
        self.linger = linger
        self._new_session = session_factory
        self._session: aiohttp.ClientSession | None = None
        self._stopping = asyncio.Event()
        self._finished = asyncio.Event()
        self._inflight: asyncio.Task[dict[str, Any]] | None = None
        self._since = 0.0
        self._run_task: asyncio.Task[Any] | None = None
        self.renewed_sessions = 0

    async def run(self, handle: BatchHandler) -> None:
        """Poll until `stop()`; raises only configuration errors and what `handle` raises."""
        self._finished.clear()
        self._run_task = asyncio.current_task()
        self._session = self._new_session()
        watchdog = asyncio.create_task(self._watch(), name="vk-longpoll-watchdog")
        try:
            await self._loop(handle)
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
            await self._session.close()
            self._finished.set()

    async def _loop(self, handle: BatchHandler) -> None:
        group = await self._retrying(self.adapter.resolve_group_id)
        if group is None:
            return
        key = self.cursor_key or f"vk:{group}"
        if self.configure:
            await self._configure(group)
        ts = await self.cursors.load_cursor(key)  # a restart replays rather than skips
        server: dict[str, str] | None = None
        failures = refused = 0
        while not self._stopping.is_set():
            try:
                fresh = server is None
                if server is None:
                    server = await self._server(group)
                if ts is None:
                    ts = server["ts"]
                    await self.cursors.save_cursor(key, ts)
                body = await self._poll(server, ts)
            except _Stopped:
                return
            except _FATAL:
                raise
            except MessengerError as exc:
                failures += 1
                flood = isinstance(exc, FloodControl)
                delay = self.flood_delay if flood else self._backoff(failures)
                log.warning("vk long poll: %s; again in %.1fs (ts kept)", exc, delay)
                await self._pause(delay)
                continue
            failures = 0
            failed = body.get("failed")
            if failed is not None or "ts" not in body:
                # NOTES §2: 1 = continue with the new ts, same key; 2 = new key, keep OUR
                # ts; 3 = new key and ts (events in the gap are lost); else refetch.
                log.info("vk long poll answered failed=%r", failed)
                if failed == 1 and body.get("ts") is not None:
                    ts = str(body["ts"])
                    await self.cursors.save_cursor(key, ts)
                    continue
                if fresh:  # a brand-new key refused at once: refetching in a loop earns 29
                    refused += 1
                    await self._pause(self._backoff(refused))
                server = None
                if failed == 3:
                    ts = None
                continue
            refused = 0
            updates = body.get("updates")
            events: list[Event] = []
            for update in updates if isinstance(updates, list) else ():
                event = parse_update(update)
                if event is not None:
                    events.append(event)
            if events:
                await handle(events)  # if it raises, ts stays stored where it was
            new_ts = str(body["ts"])
            if new_ts != ts:
                ts = new_ts
                await self.cursors.save_cursor(key, ts)
            if events and self.linger > 0:
                await self._pause(self.linger)

    async def _server(self, group: int) -> dict[str, str]:
        response = await self.adapter.call("groups.getLongPollServer", {"group_id": group})
        try:
            server, key, ts = str(response["server"]), str(response["key"]), str(response["ts"])
        except (KeyError, TypeError):
            raise TransientError("getLongPollServer answered without server/key/ts") from None
        if "://" not in server:
            server = "https://" + server
        return {"server": server, "key": key, "ts": ts}

    async def _poll(self, server: Mapping[str, str], ts: str) -> dict[str, Any]:
        """One `a_check`, run as a task so the watchdog and `stop()` can cancel it."""
        self._since = time.monotonic()
        self._inflight = asyncio.create_task(self._a_check(server, ts))
        try:
            return await self._inflight
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # we ourselves are being cancelled
            if self._stopping.is_set():
                raise _Stopped from None
            await self._renew_session()
            raise TransientError("no answer from the long poll server; session renewed") from None
        finally:
            self._inflight = None

    async def _a_check(self, server: Mapping[str, str], ts: str) -> dict[str, Any]:
        assert self._session is not None
        params = {"act": "a_check", "key": server["key"], "ts": ts, "wait": str(self.wait)}
        timeout = aiohttp.ClientTimeout(total=self.http_timeout)
        try:
            async with self._session.get(server["server"], params=params, timeout=timeout) as resp:
                if resp.status != 200:
                    raise TransientError(f"long poll server answered HTTP {resp.status}")
                body = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise TransientError(f"long poll request failed: {type(exc).__name__}") from None
        if not isinstance(body, dict):
            raise TransientError("long poll server answered with a body that is not an object")
        return body

    async def _watch(self) -> None:
        """NOTES §8: long polls that silently hang; renew the session after 3 × wait."""
        while True:
            await asyncio.sleep(self.watchdog_after / 4)
            task = self._inflight
            if task is not None and not task.done():
                if time.monotonic() - self._since > self.watchdog_after:
                    log.warning("vk long poll: no answer for %.0fs; renewing", self.watchdog_after)
                    task.cancel()

    async def _renew_session(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = self._new_session()
        self.renewed_sessions += 1

    async def _configure(self, group: int) -> None:
        """Best effort (NOTES §9): switch on the events this bot reads."""
        params = {"group_id": group, "enabled": 1, "api_version": self.adapter.api.v,
                  "message_new": 1, "message_edit": 1, "message_event": 1}  # fmt: skip
        try:
            await self.adapter.call("groups.setLongPollSettings", params)
        except MessengerError as exc:
            log.warning("vk long poll settings not changed: %s", exc)

    async def _retrying(self, step: Callable[[], Any]) -> Any:
        failures = 0
        while not self._stopping.is_set():
            try:
                return await step()
            except _FATAL:
                raise
            except MessengerError as exc:
                failures += 1
                log.warning("vk long poll start: %s", exc)
                await self._pause(self._backoff(failures))
        return None

    def _backoff(self, failures: int) -> float:
        cap = min(self.backoff_max, self.backoff_base * 2.0 ** min(failures - 1, 16))
        return cap * random.uniform(0.5, 1.0)

    async def _pause(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)

    async def stop(self) -> None:
        """Stop polling: the in-flight request is cancelled, a batch in `handle` finishes."""
        self._stopping.set()
        if self._inflight is not None:
            self._inflight.cancel()
        running = self._run_task is not None and not self._finished.is_set()
        if running and asyncio.current_task() is not self._run_task:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._finished.wait(), self.stop_grace)
