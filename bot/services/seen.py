"""Messages seen per chat, for the dashboard (`message_counts`), counted cheaply.

Every chat message bumps an in-memory counter; a background task writes the sums
every `every` seconds, in one multi-row upsert (the chats' row ids are looked up once
and kept), and `stop` writes the rest.
Only numbers are kept, never text (152-FZ). A crash loses at most a few seconds of
counts: they are statistics, not records.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter

from bot.clock import Clock
from bot.unavailable import is_unavailable
from storage import Database
from storage.repos import Chats
from storage.repos.dashboard import MessageCounts

__all__ = ["SeenCounter"]

log = logging.getLogger("etiket.seen")


class SeenCounter:
    def __init__(self, db: Database, platform: str, clock: Clock, *, every: float = 2.0) -> None:
        self.db = db
        self.platform = platform
        self.clock = clock
        self.every = every
        self._pending: Counter[str] = Counter()
        self._ids: dict[str, int] = {}  # platform chat id -> row id; chat rows stay
        self._task: asyncio.Task[None] | None = None

    def count(self, chat_id: str) -> None:
        self._pending[chat_id] += 1

    async def flush(self) -> int:
        """Write what was counted since the last flush; returns how many messages."""
        if not self._pending:
            return 0
        pending, self._pending = self._pending, Counter()
        now = self.clock.now()
        try:
            async with self.db.transaction() as session:
                unknown = [c for c in pending if c not in self._ids]
                if unknown:
                    self._ids.update(await Chats(session).ids_of(self.platform, unknown))
                counts = {self._ids[c]: n for c, n in pending.items()}
                await MessageCounts(session).add_many(counts, now)
        except Exception:
            self._ids.clear()  # a chat row may be gone (a wiped database): look them up again
            self._pending.update(pending)  # try again at the next flush
            raise
        return sum(pending.values())

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="etiket:seen")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self.flush()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not is_unavailable(exc):
                    log.exception("writing the messages-seen counters failed; will retry")
                else:  # an outage: the counts are kept and written when it ends
                    log.warning("cannot write the messages-seen counters now: %s", exc)
