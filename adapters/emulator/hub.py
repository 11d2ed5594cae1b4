"""The running emulator: one world, its logs and faults, and the front facing the bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from adapters.emulator.calls import CallLog
from adapters.emulator.faults import FaultBook
from adapters.emulator.front import Front
from adapters.emulator.world import World

__all__ = ["HUB", "Emulator"]


@dataclass(eq=False)
class Emulator:
    """Shared by the control API and the front; `world` is replaced on reset."""

    platform: str
    token: str
    world: World = field(default_factory=World)
    calls: CallLog = field(default_factory=CallLog)
    faults: FaultBook = field(default_factory=FaultBook)
    snapshot_path: Path | None = None
    front: Front | None = None

    @property
    def bot_front(self) -> Front:
        if self.front is None:  # pragma: no cover - create_emulator_app always sets it
            raise RuntimeError("the emulator has no front")
        return self.front

    def reset(self) -> None:
        """A fresh world; event seqs keep rising so stale long-poll cursors are detected."""
        head = self.world.events.head
        self.world = World(self.world.bot_name, self.world.clock)
        self.world.events = type(self.world.events)(self.world.events.keep, first_seq=head)
        self.calls.clear()
        self.faults.clear()
        self.bot_front.reset()


HUB = web.AppKey("emulator", Emulator)
