"""Callback API delivery (NOTES §3): POST each update to the bot's URL.

First the confirmation handshake (`{"type": "confirmation", "group_id"}`, the
answer must be the code), then every update in order with `secret`; anything but
`ok` is retried with an `X-Retry-Counter` header, as VK does, then skipped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from adapters.emulator.hub import Emulator
from adapters.emulator.vk.updates import UpdateRenderer

__all__ = ["CallbackSender"]

log = logging.getLogger(__name__)
RETRIES = 5
TIMEOUT = aiohttp.ClientTimeout(total=5)


class CallbackSender:
    """One background task per app: confirm, then deliver from the event log's head."""

    def __init__(
        self,
        hub: Emulator,
        renderer: UpdateRenderer,
        url: str,
        secret: str | None,
        confirmation_code: str | None,
        retry_delay: float = 0.2,
    ) -> None:
        self.hub = hub
        self.renderer = renderer
        self.url = url
        self.secret = secret
        self.confirmation_code = confirmation_code
        self.retry_delay = retry_delay
        self.confirmed = confirmation_code is None
        self.ready = asyncio.Event()  # set once confirmed: updates from then on are pushed
        self.delivered = 0
        self.dropped = 0

    async def run(self) -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            while not self.confirmed:
                self.confirmed = await self._confirm(session)
                if not self.confirmed:
                    await asyncio.sleep(1.0)
            events = self.hub.world.events
            cursor = events.head
            self.ready.set()
            while True:
                if self.hub.world.events is not events:  # reset: start from the new head
                    events, cursor = self.hub.world.events, self.hub.world.events.head
                for event in events.since(max(cursor, events.oldest), 100):
                    cursor = event.seq + 1
                    update = self.renderer.render(event)
                    if update is None:
                        continue
                    if self.secret is not None:
                        update = {**update, "secret": self.secret}
                    copies = 2 if self._duplicate() else 1
                    for _ in range(copies):
                        await self._deliver(session, update)
                await events.wait(cursor, 1.0)

    def _duplicate(self) -> bool:
        return self.hub.faults.draw(frozenset({"duplicate"}), "callback") is not None

    async def _confirm(self, session: aiohttp.ClientSession) -> bool:
        body = {"type": "confirmation", "group_id": self.renderer.ids.group_id}
        try:
            async with session.post(self.url, json=body) as response:
                answer = (await response.text()).strip()
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.info("callback confirmation failed: %s", exc)
            return False
        if answer != self.confirmation_code:
            log.warning("callback confirmation answered %r, expected the code", answer[:50])
            return False
        return True

    async def _deliver(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> None:
        for attempt in range(RETRIES + 1):
            headers = {"X-Retry-Counter": str(attempt)} if attempt else {}
            try:
                async with session.post(self.url, json=update, headers=headers) as response:
                    if (await response.text()).strip() == "ok":
                        self.delivered += 1
                        return
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.info("callback delivery failed: %s", exc)
            await asyncio.sleep(self.retry_delay * (attempt + 1))
        self.dropped += 1
        log.warning("callback update %s dropped after %d retries", update["event_id"], RETRIES)
