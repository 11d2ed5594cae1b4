"""`/subscriptions` and webhook delivery (NOTES §3.2).

A subscription POSTs each update as one bare `Update` object to its URL with the
secret in `X-Max-Bot-Api-Secret`; only HTTP 200 counts as delivered, anything
else is retried with ×2.5 growing pauses (compressed here), then skipped.
Deliveries start at the moment of subscribing. The real API demands HTTPS on
port 443 with a CA-signed certificate; a local emulator cannot, so any URL goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp

from adapters.emulator.max.context import MaxCall, bad
from adapters.emulator.max.errors import NotDone

if TYPE_CHECKING:
    from adapters.emulator.max.front import MaxFront

__all__ = ["SECRET_HEADER", "Webhooks"]

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Max-Bot-Api-Secret"
SECRET = re.compile(r"[\w-]{5,256}", re.ASCII)  # schema SubscriptionRequestBody.secret
RETRIES = 10
MAX_PAUSE = 5.0  # the real pauses grow to hours; an emulator need not wait that long
TIMEOUT = aiohttp.ClientTimeout(total=30)  # MAX waits 30 s for the 200
OK = {"success": True}


@dataclass(eq=False)
class Subscription:
    url: str
    secret: str | None
    update_types: list[str] | None
    time: int
    version: str | None
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    def view(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "time": self.time,
            "update_types": self.update_types,
            "version": self.version,
        }


class Webhooks:
    """The bot's subscriptions, each with its own delivery task from its own cursor."""

    def __init__(self, front: MaxFront, retry_delay: float = 0.2) -> None:
        self.front = front
        self.retry_delay = retry_delay
        self.subscriptions: dict[str, Subscription] = {}
        self.delivered = 0
        self.dropped = 0

    @property
    def active(self) -> bool:
        return bool(self.subscriptions)

    async def list(self, call: MaxCall) -> dict[str, Any]:
        return {"subscriptions": [s.view() for s in self.subscriptions.values()]}

    async def subscribe(self, call: MaxCall) -> dict[str, Any]:
        body = call.json()
        url, secret, types = body.get("url"), body.get("secret"), body.get("update_types")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise bad("url must be an http(s) URL")
        if secret is not None and not (isinstance(secret, str) and SECRET.fullmatch(secret)):
            raise bad("secret must be 5-256 characters of A-Z a-z 0-9 _ -")
        if types is not None and not (isinstance(types, list) and all(map(_text, types))):
            raise bad("update_types must be a list of strings")
        self._stop(url)
        version = body.get("version")
        sub = Subscription(
            url, secret, types, call.world.now() * 1000, version if _text(version) else None
        )
        sub.task = asyncio.create_task(self._run(sub))
        self.subscriptions[url] = sub
        return OK

    async def unsubscribe(self, call: MaxCall) -> dict[str, Any]:
        if not self._stop(call.query.get("url", "")):
            raise NotDone("Not found: no subscription for this url")
        return OK

    def _stop(self, url: str) -> bool:
        sub = self.subscriptions.pop(url, None)
        if sub is not None and sub.task is not None:
            sub.task.cancel()
        return sub is not None

    async def close(self) -> None:
        tasks = [s.task for s in self.subscriptions.values() if s.task is not None]
        self.subscriptions.clear()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, sub: Subscription) -> None:
        hub = self.front.hub
        events = hub.world.events
        cursor = events.head
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            while True:
                if hub.world.events is not events:  # reset: start from the new head
                    events, cursor = hub.world.events, hub.world.events.head
                for event in events.since(max(cursor, events.oldest), 100):
                    cursor = event.seq + 1
                    update = self.front.renderer.render(event)
                    if update is None or (
                        sub.update_types and update["update_type"] not in sub.update_types
                    ):
                        continue
                    twice = hub.faults.draw(frozenset({"duplicate"}), "webhook") is not None
                    for _ in range(2 if twice else 1):
                        await self._deliver(session, sub, update)
                await events.wait(cursor, 1.0)

    async def _deliver(
        self, session: aiohttp.ClientSession, sub: Subscription, update: dict[str, Any]
    ) -> None:
        headers = {SECRET_HEADER: sub.secret} if sub.secret else {}
        delay = self.retry_delay
        for _ in range(RETRIES + 1):
            try:
                async with session.post(sub.url, json=update, headers=headers) as response:
                    if response.status == 200:
                        self.delivered += 1
                        return
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.info("webhook delivery to %s failed: %s", sub.url, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2.5, MAX_PAUSE)
        self.dropped += 1
        log.warning("a %s update was dropped after %d retries", update["update_type"], RETRIES)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)
