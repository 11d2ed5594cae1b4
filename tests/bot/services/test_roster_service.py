"""Storing the roster and applying syncs, on SQLite and PostgreSQL (regulation point 8)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import select, text

from bot.moderation.roster import RosterRow, plan_sync
from bot.services import roster as service
from bot.services.roster_removals import carry_out, outcomes, retry_failed
from storage import Database
from storage.models import AuditRecord, RosterSync, Strike
from storage.repos import Chats
from tests.storage.conftest import postgresql_url, sqlite_url  # noqa: F401  (fixtures)

TABLES = ("platform_actions", "audit_log", "case_counters", "memberships", "chat_tags",
          "chat_curators", "chats", "family_links", "person_chats", "people",
          "roster_syncs")  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def roster_db_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
async def db(roster_db_url: str) -> AsyncIterator[Database]:
    database = Database(roster_db_url)
    async with database.transaction() as session:  # this module's own database: start clean
        for table in TABLES:
            await session.execute(text(f"DELETE FROM {table}"))
    yield database
    await database.close()


ROSTER = [
    RosterRow("s1", "Ученик 1", "student", "5А", vk_user_id="1"),
    RosterRow("s2", "Ученик 2", "student", "5А", vk_user_id="2"),
    RosterRow("p", "Родитель", "parent", vk_user_id="9", parent_of=("s1", "s2")),
    RosterRow("t", "Учитель", "teacher", vk_user_id="5", chats=("учительская",)),
]


class FakeAdapter:
    """Removes from a chat unless told the bot is not an admin there."""

    platform = "vk"

    def __init__(self, refuse: set[str]) -> None:
        self.refuse = refuse
        self.removed: list[tuple[str, str]] = []

    async def remove_member(self, chat_id: str, user_id: str, *, block: bool = False) -> bool:
        from adapters.errors import NotAdmin

        if chat_id in self.refuse:
            raise NotAdmin("the bot is not an admin")
        self.removed.append((chat_id, user_id))
        return False


async def setup(db: Database) -> None:
    await service.import_rows(db, ROSTER)
    async with db.transaction() as session:
        chats = Chats(session)
        for pid, tags in (("c1", ["5А"]), ("c2", ["5А-родители"]), ("c3", ["учительская"])):
            await chats.set_tags(await chats.get_or_create("vk", pid), tags)


async def plan_for(db: Database, rows: list[RosterRow]) -> object:
    async with db.transaction() as session:
        state = await service.load_state(session)
    return plan_sync(state.people, rows, state.chats, state.members)


async def test_import_round_trips(db: Database) -> None:
    await setup(db)
    async with db.transaction() as session:
        state = await service.load_state(session)
    assert {r.person_id: r for r in state.people}["p"].parent_of == ("s1", "s2")
    assert (await plan_for(db, ROSTER)).empty  # type: ignore[attr-defined]


async def test_sync_queues_audited_removals_once_and_retries(db: Database) -> None:
    await setup(db)
    rows = [r for r in ROSTER if r.person_id != "s1"]
    plan = await plan_for(db, rows)
    sync = service.sync_id(rows)
    keys = await service.apply_plan(db, plan, sync)  # type: ignore[arg-type]
    assert len(keys) == 2  # s1 from c1 and c2; the parent stays for s2
    assert await service.apply_plan(db, plan, sync) == keys  # the same sync again: same rows
    adapter = FakeAdapter(refuse={"c2"})
    results = await carry_out(db, adapter, f"roster:{sync}:")  # type: ignore[arg-type]
    assert sorted(r.status for r in results) == ["done", "failed"]
    async with db.transaction() as session:
        audit = list((await session.execute(select(AuditRecord))).scalars())
        strikes = list((await session.execute(select(Strike))).scalars())
    assert {a.action for a in audit} == {"departure_removal"} and len(audit) == 2
    assert all(a.rule_code == "departure" for a in audit) and strikes == []
    assert (await plan_for(db, rows)).empty  # type: ignore[attr-defined]
    adapter.refuse.clear()
    assert len(await retry_failed(db)) == 1
    results = await carry_out(db, adapter)  # type: ignore[arg-type]
    assert [r.status for r in results] == ["done", "done"]
    assert len(await outcomes(db)) == 2


async def test_class_move_retags_chats(db: Database) -> None:
    await setup(db)
    rows = [replace(r, class_name="6А") if r.role == "student" else r for r in ROSTER]
    plan = await plan_for(db, rows)
    assert plan.removals == ()  # type: ignore[attr-defined]
    await service.apply_plan(db, plan, service.sync_id(rows))  # type: ignore[arg-type]
    async with db.transaction() as session:
        tags = sorted(t for c in (await service.load_state(session)).chats for t in c.tags)
    assert tags == ["6А", "6А-родители", "учительская"]


async def test_every_applied_plan_is_stored_whole(db: Database) -> None:
    """Arrivals, class moves, departures and removals, as shown: the dashboard reads them."""
    await setup(db)
    rows = [
        *(r for r in ROSTER if r.person_id != "s1"),  # s1 departs
        RosterRow("s3", "Ученик 3", "student", "5А", vk_user_id="3"),  # arrives
    ]
    rows = [replace(r, class_name="6Б") if r.person_id == "s2" else r for r in rows]
    plan = await plan_for(db, rows)
    sync = service.sync_id(rows)
    await service.apply_plan(db, plan, sync, actor_id="5")  # type: ignore[arg-type]
    async with db.transaction() as session:
        [stored] = (await session.execute(select(RosterSync))).scalars()
    assert stored.sync_id == sync and stored.actor_id == "5"
    assert stored.applied_at.tzinfo is not None
    assert stored.plan == plan.as_dict()  # type: ignore[attr-defined]
    assert [p["person_id"] for p in stored.plan["departures"]] == ["s1"]
    assert [p["person_id"] for p in stored.plan["arrivals"]] == ["s3"]
    [move] = stored.plan["class_changes"]
    assert (move["person_id"], move["old"], move["new"]) == ("s2", "5А", "6Б")
    assert {(r["person_id"], r["reason"]) for r in stored.plan["removals"]} >= {("s1", "departed")}
