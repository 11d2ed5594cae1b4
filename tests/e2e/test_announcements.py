"""Scheduled announcements end to end on both emulators, with a hand-moved clock.

The service and an `ActionRunner` share a SQLite file, as in one bot process; the
runner talks to the emulator through the real adapter. Time never passes by
itself: each test sets `now`, calls `run_due(now)` and drains the outbox, then
reads the chats through the control API. A "crash" is dropping the service, runner
and adapter mid-fan-out and building fresh ones on the same database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.base import MessengerAdapter
from adapters.emulator.hub import HUB
from adapters.emulator.model import BOT
from bot.actions import ActionRunner
from bot.announcements import Schedule, parse_at, parse_every
from bot.services.announcements import AnnouncementService, NewAnnouncement
from storage import Database
from storage.migrate import upgrade
from storage.models import Delivery
from storage.repos import Chats, DatabaseCursors
from storage.state import MemoryState
from tests.e2e.conftest import EmulatorServer
from tests.e2e.helpers import PROFILES

NSK, BERLIN = "Asia/Novosibirsk", "Europe/Berlin"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """The bot side (database, service, runner) and the people side (emulator)."""

    server: EmulatorServer
    platform: str
    db: Database
    clock: Clock
    author: str = ""
    adapter: MessengerAdapter | None = None
    runner: ActionRunner | None = None
    service: AnnouncementService | None = None
    chats: dict[str, str] = field(default_factory=dict)  # title -> platform chat id

    def start(self) -> AnnouncementService:
        """A fresh process's worth of objects on the same database."""
        adapter, _ = PROFILES[self.platform].make(
            self.server, MemoryState(), DatabaseCursors(self.db)
        )
        self.adapter = adapter
        self.runner = ActionRunner(self.db, adapter, clock=self.clock, retry_delays=(1.0,))
        self.service = AnnouncementService(
            self.db, platform=self.platform, kick=self.runner.kick, clock_now=self.clock
        )
        return self.service

    async def crash(self) -> None:
        assert self.adapter is not None
        await self.adapter.close()
        self.adapter = self.runner = self.service = None

    async def chat(self, title: str, *tags: str, member: bool = True, admin: bool = True) -> str:
        user = await self.server.control.user(f"Родитель {title}")
        ref = await self.server.control.chat(title, [user], bot_is_admin=admin)
        if not member:
            hub = self.server.app[HUB]
            hub.world.leave(hub.bot_front.parse_conversation(ref), BOT)
        async with self.db.transaction() as session:
            chats = Chats(session)
            row = await chats.get_or_create(self.platform, ref, title=title)
            await chats.set_tags(row, tags)
        self.chats[title] = ref
        return ref

    async def tick(self, at: datetime) -> None:
        """Move the clock, let the scheduler fire, carry out the outbox, sync outcomes."""
        assert self.service is not None and self.runner is not None
        self.clock.now = at
        await self.service.run_due(at)
        while await self.runner.process_due():
            pass
        await self.service.sync_delivery_outcomes()
        while await self.runner.process_due():
            pass

    async def texts(self, title: str) -> list[str]:
        return [m["text"] for m in await self.server.control.bot_messages(self.chats[title])]

    async def inbox(self) -> list[str]:
        return [m["text"] for m in (await self.server.control.private(self.author))["messages"]]

    def new(
        self, text: str, targets: str, schedule: Schedule, zone: str = NSK, *, pin: bool = False
    ) -> NewAnnouncement:
        return NewAnnouncement(text, (targets,), schedule, zone, pin=pin, author=self.author)


@pytest.fixture
async def world(emulator: EmulatorServer, platform: str, tmp_path: Path) -> AsyncIterator[World]:
    url = f"sqlite:///{tmp_path / 'ann.sqlite3'}"
    await upgrade(url)
    db = Database(url)
    w = World(emulator, platform, db, Clock(datetime(2026, 3, 20, tzinfo=UTC)))
    w.author = await emulator.control.user("Завуч")
    w.start()
    yield w
    if w.adapter is not None:
        await w.adapter.close()
    await db.close()


def local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %m-%d %H:%M")


async def test_weekly_runs_keep_local_time_in_both_zones(world: World) -> None:
    await world.chat("Новосибирск", "5А-родители")
    await world.chat("Берлин", "berlin-parents")
    svc = world.service
    assert svc is not None
    await svc.create(world.new("Расписание", "5А-родители", parse_every("mon 08:00"), NSK))
    await svc.create(world.new("Stundenplan", "berlin-*", parse_every("mon 08:00"), BERLIN))
    seen: list[str] = []
    for _ in range(6):  # three Mondays each, across Berlin's change on 29 March
        at = await svc.next_wakeup(world.clock.now)
        assert at is not None
        seen.append(local(at, NSK) if at.hour == 1 else local(at, BERLIN))
        await world.tick(at)
    assert seen == [
        "Mon 03-23 08:00", "Mon 03-23 08:00", "Mon 03-30 08:00",
        "Mon 03-30 08:00", "Mon 04-06 08:00", "Mon 04-06 08:00",
    ]  # fmt: skip
    assert await world.texts("Новосибирск") == ["Расписание"] * 3
    assert await world.texts("Берлин") == ["Stundenplan"] * 3


async def test_quiet_hours_hold_a_run_until_morning(world: World) -> None:
    await world.chat("5А", "5А-родители")
    svc = world.service
    assert svc is not None
    ann = await svc.create(world.new("Собрание завтра", "5А*", parse_at("2026-03-20 22:30")))
    assert local(ann.next_run_at or world.clock.now, NSK) == "Sat 03-21 08:00"
    await world.tick(datetime(2026, 3, 20, 15, 30, tzinfo=UTC))  # 22:30 local
    assert await world.texts("5А") == []
    await world.tick(datetime(2026, 3, 21, 1, 0, tzinfo=UTC))  # 08:00 local
    assert await world.texts("5А") == ["Собрание завтра"]


async def test_wildcard_reaches_every_parents_chat_only(world: World) -> None:
    for title, tag in [("5А-р", "5А-родители"), ("5Б-р", "5Б-родители"), ("5А", "5А")]:
        await world.chat(title, tag)
    svc = world.service
    assert svc is not None
    ann = await svc.create(world.new("Всем родителям", "*-родители", parse_at("2026-03-21 10:00")))
    assert ann.next_run_at is not None
    await world.tick(ann.next_run_at)
    assert await world.texts("5А-р") == ["Всем родителям"]
    assert await world.texts("5Б-р") == ["Всем родителям"]
    assert await world.texts("5А") == []
    assert any("2" in t for t in await world.inbox())  # the report: delivered to 2


async def test_a_crash_mid_fan_out_resumes_without_duplicates(world: World) -> None:
    titles = [f"класс {i}" for i in range(8)]
    for title in titles:
        await world.chat(title, "родители-" + title)
    svc, runner = world.service, world.runner
    assert svc is not None and runner is not None
    ann = await svc.create(world.new("Каникулы", "родители-*", parse_at("2026-03-21 10:00")))
    assert ann.next_run_at is not None
    world.clock.now = ann.next_run_at
    await svc.run_due(world.clock.now)
    assert await runner.process_due(limit=4) == 4  # half the chats, then the process dies
    await world.crash()
    fresh = world.start()
    await fresh.run_due(world.clock.now)  # replays nothing: the run is recorded
    await fresh.fan_out(ann, ann.next_run_at, world.clock.now)  # even a forced replay
    await world.tick(world.clock.now)
    for title in titles:
        assert await world.texts(title) == ["Каникулы"], title
    async with world.db.transaction() as session:
        rows = (await session.execute(Delivery.__table__.select())).all()
    assert len(rows) == 8 and {r.status for r in rows} == {"sent"}
    reports = [t for t in await world.inbox() if "Каникулы" not in t]
    assert len(reports) == 1 and "8" in reports[0]


async def test_missed_runs_inside_and_outside_the_grace_period(world: World) -> None:
    await world.chat("5А", "5А")
    svc = world.service
    assert svc is not None
    stale = await svc.create(world.new("Устарело", "5А", parse_at("2026-03-21 10:00")))
    fresh_one = await svc.create(world.new("Успеет", "5А", parse_at("2026-03-21 11:00")))
    assert fresh_one.next_run_at is not None
    await world.crash()  # down from before 10:00 until 11:30 local
    restarted = world.start()
    world.clock.now = fresh_one.next_run_at + timedelta(minutes=30)
    summary = await restarted.on_start(world.clock.now)
    assert (summary.fanned_out, summary.missed) == (1, 1)  # 30 min late vs 1 h 30 min
    await world.tick(world.clock.now)
    assert await world.texts("5А") == ["Успеет"]
    inbox = await world.inbox()
    assert any(f"№{stale.id}" in t and "10:00" in t for t in inbox), inbox


async def test_a_failed_chat_is_reported_to_the_author(world: World) -> None:
    await world.chat("5А-р", "5А-родители")
    await world.chat("5Б-р", "5Б-родители", member=False)
    svc = world.service
    assert svc is not None
    ann = await svc.create(world.new("Всем", "*-родители", parse_at("2026-03-21 10:00")))
    assert ann.next_run_at is not None
    await world.tick(ann.next_run_at)
    assert await world.texts("5А-р") == ["Всем"]
    [report] = await world.inbox()
    assert "5Б-р" in report and "NotAdmin" in report


async def test_a_pinned_announcement_is_pinned_in_every_chat(world: World) -> None:
    await world.chat("5А-р", "5А-родители")
    await world.chat("5Б-р", "5Б-родители")
    svc = world.service
    assert svc is not None
    ann = await svc.create(
        world.new("Собрание", "*-родители", parse_at("2026-03-21 10:00"), pin=True)
    )
    assert ann.next_run_at is not None
    await world.tick(ann.next_run_at)
    for title in ("5А-р", "5Б-р"):
        chat = await world.server.control.get_chat(world.chats[title])
        [sent] = [m for m in chat["messages"] if m["from_bot"]]
        assert sent["text"] == "Собрание" and chat["pinned_message_id"] == sent["message_id"]
    [report] = await world.inbox()
    assert "доставлено в 2, не доставлено в 0" in report and "закреплено" not in report


async def test_a_chat_where_the_bot_cannot_pin_still_gets_the_message(world: World) -> None:
    await world.chat("5А-р", "5А-родители")
    await world.chat("5Б-р", "5Б-родители", admin=False)
    svc = world.service
    assert svc is not None
    ann = await svc.create(
        world.new("Собрание", "*-родители", parse_at("2026-03-21 10:00"), pin=True)
    )
    assert ann.next_run_at is not None
    await world.tick(ann.next_run_at)
    unpinned = await world.server.control.get_chat(world.chats["5Б-р"])
    assert await world.texts("5Б-р") == ["Собрание"] and unpinned["pinned_message_id"] is None
    pinned = await world.server.control.get_chat(world.chats["5А-р"])
    assert pinned["pinned_message_id"] is not None
    [report] = await world.inbox()
    assert "доставлено в 2, не доставлено в 0" in report
    assert "5Б-р: доставлено, но не закреплено: NotAdmin" in report and "5А-р" not in report
    async with world.db.transaction() as session:
        rows = (await session.execute(Delivery.__table__.select())).all()
    assert {r.status for r in rows} == {"sent"}
    assert sorted(r.error or "" for r in rows)[1].startswith("pin: NotAdmin")
