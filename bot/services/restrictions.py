"""Who may not write in a chat right now: muted people and held newcomers.

A mute (a block in `mute` mode, regulation point 5) deletes the person's new
messages "within one event loop turn", so the check must not touch the database on
every message: it reads a map loaded from the database at start (the source of
truth) and updated as blocks begin and end. Held newcomers (point 3, policy
`hold_newcomers`) are the people who joined and have not yet acknowledged the rules.

Where the map lives follows the ephemeral state (issue [11/11]): in process memory
for one process, in Redis when workers share it, because the process that lifts a
block (the scheduler leader) need not be the one that reads that chat's messages.
Behind a `FallbackState` the process also keeps its own copy, reads it while Redis
is away and writes it back to Redis when Redis returns.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from bot.services.regulation import Regulation
from storage import Database
from storage.repos import Blocks, Chats, Memberships
from storage.state import EphemeralState, FallbackState, RedisState

__all__ = ["Restrictions", "Standing"]

T = TypeVar("T")
Key = tuple[str, str, str]  # platform, chat id, user id (the platform's)
Mute = tuple[datetime, float]  # until, and when (time.monotonic) its Redis key expires


@dataclass(frozen=True, slots=True)
class Standing:
    """What stops one person writing in one chat now."""

    muted: bool = False
    held: bool = False


class _Shared:
    """The map in Redis: a key per mute, holding its end and expiring then, one per hold.

    `{prefix}mute:{platform}:{chat}:{user}` = `until` (ISO 8601), PX to `until`;
    `{prefix}held:{platform}:{chat}:{user}` = 1, kept until released. Two keys and
    one MGET per message.
    """

    def __init__(self, redis: RedisState) -> None:
        self.client = redis.client
        self.prefix = redis.prefix

    def _mute(self, key: Key) -> str:
        return f"{self.prefix}mute:{':'.join(key)}"

    def _held(self, key: Key) -> str:
        return f"{self.prefix}held:{':'.join(key)}"

    def names(self, muted: Iterable[Key], held: Iterable[Key]) -> set[str]:
        return {self._mute(k) for k in muted} | {self._held(k) for k in held}

    async def present(self) -> set[str]:
        """The names of every mute and hold key there is now."""
        found: set[str] = set()
        for kind in ("mute", "held"):
            async for name in self.client.scan_iter(match=f"{self.prefix}{kind}:*"):
                found.add(name.decode() if isinstance(name, bytes) else name)
        return found

    async def drop(self, names: set[str]) -> None:
        if names:
            await self.client.delete(*names)

    async def mute(self, key: Key, until: datetime, ttl: float) -> None:
        if ttl <= 0:  # already over: nothing to delete messages for
            await self.client.delete(self._mute(key))
        else:
            await self.client.set(self._mute(key), until.isoformat(), px=_ms(ttl))

    async def unmute(self, key: Key) -> None:
        await self.client.delete(self._mute(key))

    async def hold(self, key: Key) -> None:
        await self.client.set(self._held(key), b"1")

    async def release(self, key: Key) -> None:
        await self.client.delete(self._held(key))

    async def of(self, key: Key, now: datetime) -> Standing:
        until, held = await self.client.mget(self._mute(key), self._held(key))
        if isinstance(until, bytes):
            until = until.decode()
        muted = until is not None and now < datetime.fromisoformat(until)
        return Standing(muted=muted, held=held is not None)

    async def replace(self, muted: Mapping[Key, Mute], held: Iterable[Key]) -> None:
        """Make the whole map in Redis equal to the given one, in one transaction."""
        stale = await self.present()
        clock = time.monotonic()
        async with self.client.pipeline(transaction=True) as pipe:
            if stale:
                pipe.delete(*stale)
            for key, (until, expires) in muted.items():
                if expires > clock:
                    pipe.set(self._mute(key), until.isoformat(), px=_ms(expires - clock))
            for key in held:
                pipe.set(self._held(key), b"1")
            await pipe.execute()


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


async def _nothing() -> None:
    return None


async def _no_names() -> set[str]:
    return set()


class Restrictions:
    """The mute and hold map, in memory or in Redis as the app's `EphemeralState` is."""

    def __init__(self, state: EphemeralState | None = None) -> None:
        self._muted: dict[Key, Mute] = {}
        self._held: set[Key] = set()
        self._shared: _Shared | None = None
        self._fallback: FallbackState | None = None
        if isinstance(state, FallbackState):
            self._shared, self._fallback = _Shared(state.redis), state
            state.on_recover.append(self._restore)
        elif isinstance(state, RedisState):
            self._shared = _Shared(state)

    @property
    def _keeps_copy(self) -> bool:
        """Memory alone, or the copy a single process reads while Redis is away."""
        return self._shared is None or self._fallback is not None

    async def mute(
        self, platform: str, chat_id: str, user_id: str, until: datetime, now: datetime
    ) -> None:
        """Delete their messages until `until`; `now` (the app's clock) sets the key's life."""
        key, ttl = (platform, chat_id, user_id), (until - now).total_seconds()
        if self._keeps_copy:
            self._muted[key] = (until, time.monotonic() + ttl)
        await self._write(lambda shared: shared.mute(key, until, ttl))

    async def unmute(self, platform: str, chat_id: str, user_id: str) -> None:
        key = (platform, chat_id, user_id)
        self._muted.pop(key, None)
        await self._write(lambda shared: shared.unmute(key))

    async def hold(self, platform: str, chat_id: str, user_id: str) -> None:
        key = (platform, chat_id, user_id)
        if self._keeps_copy:
            self._held.add(key)
        await self._write(lambda shared: shared.hold(key))

    async def release(self, platform: str, chat_id: str, user_id: str) -> None:
        key = (platform, chat_id, user_id)
        self._held.discard(key)
        await self._write(lambda shared: shared.release(key))

    async def of(self, platform: str, chat_id: str, user_id: str, now: datetime) -> Standing:
        """Both questions at once: at most one Redis round trip per message."""
        key = (platform, chat_id, user_id)
        return await self._either(lambda s: s.of(key, now), lambda: self._from_copy(key, now))

    async def is_muted(self, platform: str, chat_id: str, user_id: str, now: datetime) -> bool:
        return (await self.of(platform, chat_id, user_id, now)).muted

    async def is_held(self, platform: str, chat_id: str, user_id: str) -> bool:
        return (await self.of(platform, chat_id, user_id, datetime.now(UTC))).held

    async def _from_copy(self, key: Key, now: datetime) -> Standing:
        mute = self._muted.get(key)
        return Standing(muted=mute is not None and now < mute[0], held=key in self._held)

    async def _either(
        self, on_redis: Callable[[_Shared], Awaitable[T]], on_copy: Callable[[], Awaitable[T]]
    ) -> T:
        """Redis when the map is shared, degrading with the `FallbackState` if there is one."""
        shared = self._shared
        if shared is None:
            return await on_copy()
        if self._fallback is None:
            return await on_redis(shared)  # worker mode: an unreachable Redis is an error
        return await self._fallback.run(lambda _: on_redis(shared), on_copy)

    async def _write(self, change: Callable[[_Shared], Awaitable[None]]) -> None:
        await self._either(change, _nothing)

    async def _restore(self) -> None:
        """Redis is back: it missed what changed while away (or lost all in a restart)."""
        if self._shared is not None:
            await self._shared.replace(dict(self._muted), set(self._held))

    async def load(self, db: Database, regulation: Regulation, now: datetime) -> None:
        """Rebuild from the database: open mute blocks in force, unacknowledged newcomers.

        The database is the truth, so what it no longer backs goes too: a hold in a
        chat that stopped holding newcomers, a mute whose lifting never reached the
        map (a crash between the commit and `unmute`); in Redis these would outlive
        the restart. Running it twice changes nothing. What is there is listed before
        the database is read, so an entry another worker adds meanwhile is never
        taken for a stale one.
        """
        shared_before = await self._either(lambda s: s.present(), _no_names)
        muted_before, held_before = set(self._muted), set(self._held)
        mutes, holds = await _from_database(db, regulation, now)
        for key, until in mutes.items():
            await self.mute(*key, until, now)
        for key in holds:
            await self.hold(*key)
        for key in muted_before - mutes.keys():
            self._muted.pop(key, None)
        self._held -= held_before - holds
        await self._write(lambda s: s.drop(shared_before - s.names(mutes, holds)))


async def _from_database(
    db: Database, regulation: Regulation, now: datetime
) -> tuple[dict[Key, datetime], set[Key]]:
    """Mute blocks in force with their ends, and newcomers a policy holds."""
    mutes: dict[Key, datetime] = {}
    holds: set[Key] = set()
    async with db.transaction() as session:
        chats = Chats(session)
        for block in await Blocks(session).pending_ends():
            chat = await chats.get(block.chat_id)
            if chat is not None and block.mode == "mute" and block.starts_at <= now:
                mutes[(chat.platform, chat.platform_chat_id, block.target_user_id)] = block.ends_at
        for stay in await Memberships(session).unacknowledged():
            chat = await chats.get(stay.chat_id)
            if chat is None:
                continue
            if regulation.policy(chat.platform, chat.platform_chat_id).hold_newcomers:
                holds.add((chat.platform, chat.platform_chat_id, stay.user_id))
    return mutes, holds
