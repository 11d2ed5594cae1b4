"""Service tests run on a migrated SQLite file and on PostgreSQL (the storage fixtures)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.actions import ActionRunner
from bot.clock import FakeClock
from bot.i18n import Texts
from bot.services import (
    Formats,
    Moderation,
    ModerationServices,
    Moderators,
    Regulation,
    Restrictions,
    build_services,
)
from bot.timers import Timers
from storage import Database
from storage.state import MemoryState
from tests.bot.fakes import FakeAdapter
from tests.storage.conftest import db, db_url, postgresql_url, sqlite_url  # noqa: F401

TEACHER, COLLEAGUE, STUDENT = "11", "12", "21"


def make_services(database: Database, adapter: FakeAdapter, **policy: Any) -> ModerationServices:
    clock = FakeClock()
    m = Moderation(
        db=database,
        adapter=adapter,
        state=MemoryState(),
        clock=clock,
        formats=Formats(Texts("ru")),
        regulation=Regulation(policy=policy),
        moderators=Moderators(adapter, database),
        restrictions=Restrictions(),
        timers=Timers(clock),
        actions=ActionRunner(database, adapter),
    )
    services = build_services(m)
    m.actions.on_failure = services.notices.action_failed
    return services


@pytest.fixture
def adapter() -> FakeAdapter:
    return FakeAdapter(admins=[TEACHER, COLLEAGUE], owner=TEACHER)


@pytest.fixture
async def services(db: Database, adapter: FakeAdapter) -> AsyncIterator[ModerationServices]:  # noqa: F811
    yield make_services(db, adapter)
