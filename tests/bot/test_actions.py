"""The outbox runner: order per chat, retries, permanent failures, readd, restarts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping

import pytest

from adapters.errors import MessengerError, NotAdmin, TransientError
from bot.actions import ActionRunner
from storage import Database
from storage.migrate import upgrade
from storage.models import PlatformAction
from storage.repos import Outbox
from tests.bot.fakes import FakeAdapter


@pytest.fixture
async def db(tmp_path: object) -> AsyncIterator[Database]:
    url = f"sqlite:///{tmp_path}/actions.db"
    await upgrade(url)
    database = Database(url)
    yield database
    await database.close()


async def _queue(db: Database, *items: tuple[str, Mapping[str, object]]) -> list[str]:
    keys = []
    async with db.transaction() as session:
        for kind, params in items:
            key = uuid.uuid4().hex
            await Outbox(session).add(key, platform="vk", kind=kind, params=dict(params))
            keys.append(key)
    return keys


async def _status(db: Database, key: str) -> PlatformAction:
    async with db.transaction() as session:
        found = await Outbox(session).by_key(key)
    assert found is not None
    return found


async def test_actions_of_one_chat_run_in_order(db: Database) -> None:
    adapter = FakeAdapter()
    await _queue(db, *[("send", {"chat_id": "1", "text": f"m{i}"}) for i in range(5)])
    assert await ActionRunner(db, adapter).process_due() == 5
    assert [args[1] for args in adapter.sent("send")] == [f"m{i}" for i in range(5)]


async def test_a_transient_error_is_retried(db: Database) -> None:
    adapter = FakeAdapter()
    adapter.fail["delete"] = [TransientError("5xx"), TransientError("5xx")]
    [key] = await _queue(db, ("delete", {"chat_id": "1", "message_ids": ["7"]}))
    runner = ActionRunner(db, adapter, retry_delays=(0.0, 0.0, 0.0))
    for _ in range(3):
        await runner.process_due()
    row = await _status(db, key)
    assert row.status == "done" and row.attempts == 3
    assert adapter.sent("delete") == [("1", ["7"])]


async def test_a_permanent_failure_is_recorded_and_reported(db: Database) -> None:
    adapter = FakeAdapter()
    adapter.fail["remove"] = [NotAdmin("917", code=917)]
    reported: list[tuple[int, MessengerError]] = []

    async def report(action: PlatformAction, exc: MessengerError) -> None:
        reported.append((action.id, exc))

    [key] = await _queue(db, ("remove", {"chat_id": "1", "user_id": "5"}))
    await ActionRunner(db, adapter, on_failure=report).process_due()
    row = await _status(db, key)
    assert row.status == "failed" and "NotAdmin" in (row.error or "")
    assert [type(e) for _, e in reported] == [NotAdmin] and reported[0][0] == row.id


async def test_readd_falls_back_to_an_invite_link(db: Database) -> None:
    adapter = FakeAdapter()
    params = {"chat_id": "1", "user_id": "5", "invite_text": "Назад: {link}"}
    [key] = await _queue(db, ("readd", params))
    await ActionRunner(db, adapter).process_due()
    row = await _status(db, key)
    assert row.result == {"readded": False, "invite_sent": True, "why": "NotSupported"}
    assert adapter.sent("private") == [("5", "Назад: https://vk.me/join/abc", None)]


async def test_pending_actions_are_carried_out_after_a_restart(db: Database) -> None:
    [key] = await _queue(db, ("send", {"chat_id": "1", "text": "до сбоя"}))
    # The first process committed the action and died before carrying it out.
    adapter = FakeAdapter()
    runner = ActionRunner(db, adapter, idle_check=0.05)
    runner.start()
    try:
        for _ in range(100):
            if (await _status(db, key)).status == "done":
                break
            await asyncio.sleep(0.01)
    finally:
        await runner.stop()
    assert adapter.sent("send") == [("1", "до сбоя", None)]
