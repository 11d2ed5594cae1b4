"""The Callback API (NOTES §3): VK POSTs each update to our URL.

VK waits for the exact text `ok` and re-delivers on anything else or on a slow
answer, so the receiver answers at once and hands the event on in a task (whose
reference it keeps, STYLE: no orphan tasks). Re-deliveries are harmless: the event
keeps VK's `event_id`, and the intake drops repeats by `Event.key`.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web

from adapters.base import BatchHandler, Event
from adapters.vk_messenger.parse import parse_update

__all__ = ["VkCallback", "callback_app"]

log = logging.getLogger(__name__)


class VkCallback:
    """A Callback API receiver that is also an `EventSource`.

    Mount `app()` in the web server (`web_app.add_subapp("/vk/callback", cb.app())`,
    the URL registered with `groups.addCallbackServer`). Until `run(handle)` supplies a
    handler, updates are answered 503 so that VK keeps them and delivers them again.
    """

    def __init__(
        self,
        *,
        confirmation: str | None,
        secret: str | None = None,
        group_id: int | None = None,
        handle: BatchHandler | None = None,
        grace: float = 10.0,
    ) -> None:
        self.confirmation = confirmation
        self._secret = secret.encode() if secret else None
        self.group_id = group_id
        self._handle = handle
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self.grace = grace
        """Seconds `stop()` waits for handed-on events to be handled."""

    def app(self) -> web.Application:
        """An aiohttp application answering POST `/`."""
        app = web.Application()
        app.router.add_post("/", self.receive)
        app.on_cleanup.append(self._cleanup)
        return app

    async def receive(self, request: web.Request) -> web.StreamResponse:
        try:
            body: Any = await request.json()
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if not isinstance(body, dict):
            return web.Response(status=400, text="not an object")
        group = body.get("group_id")
        if self.group_id is not None and group != self.group_id:
            return web.Response(status=403, text="wrong group")
        if body.get("type") == "confirmation":
            if not self.confirmation:  # as vk-io: better an error than a wrong code
                return web.Response(status=500, text="confirmation code not configured")
            return web.Response(text=self.confirmation)
        if self._secret is not None:
            given = body.get("secret")
            if not isinstance(given, str) or not hmac.compare_digest(given.encode(), self._secret):
                return web.Response(status=403, text="wrong secret")
        if self._handle is None or self._stopping.is_set():
            return web.Response(status=503, text="not ready")
        if "X-Retry-Counter" in request.headers:
            log.debug("vk callback re-delivery #%s", request.headers["X-Retry-Counter"])
        body.pop("secret", None)  # Event.raw may be logged; the secret must not be
        event = parse_update(body)
        if event is not None:
            task = asyncio.create_task(self._deliver(self._handle, event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return web.Response(text="ok")  # NOTES §3: exactly `ok`, or VK re-delivers

    async def _deliver(self, handle: BatchHandler, event: Event) -> None:
        try:
            await handle([event])
        except Exception:
            log.exception("handling vk callback event %s failed", event.key)

    async def run(self, handle: BatchHandler) -> None:
        """Deliver to `handle` until `stop()`; the web server does the receiving."""
        self._handle = handle
        self._stopping.clear()
        await self._stopping.wait()

    async def stop(self) -> None:
        """Refuse new updates (VK re-delivers them later) and let handed-on ones finish."""
        self._stopping.set()
        await self.drain()

    async def drain(self) -> None:
        """Wait up to `grace` seconds for the events already answered `ok` to be handled."""
        if self._tasks:  # `wait`, not `wait_for`: a slow handler is left running, not cancelled
            await asyncio.wait(set(self._tasks), timeout=self.grace)

    async def _cleanup(self, app: web.Application) -> None:
        await self.drain()


def callback_app(
    handle: BatchHandler,
    *,
    confirmation: str,
    secret: str | None = None,
    group_id: int | None = None,
) -> web.Application:
    """A ready Callback API application delivering each event to `handle` as a batch of one."""
    receiver = VkCallback(
        confirmation=confirmation, secret=secret, group_id=group_id, handle=handle
    )
    return receiver.app()
