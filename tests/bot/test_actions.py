"""The outbox runner: order per chat, retries, permanent failures, readd, restarts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any

import pytest

from adapters.errors import MessengerError, NotAdmin, TransientError
from bot.actions import ActionRunner
from storage import Database
from storage.migrate import upgrade
from storage.models import PlatformAction, utcnow
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


async def test_a_send_with_pin_pins_what_it_sent(db: Database) -> None:
    adapter = FakeAdapter()
    [key] = await _queue(db, ("send", {"chat_id": "1", "text": "Собрание", "pin": True}))
    await ActionRunner(db, adapter).process_due()
    assert adapter.sent("pin") == [("1", "101")]
    assert (await _status(db, key)).result == {"message_id": "101", "pinned": True}


async def test_a_pin_refusal_is_recorded_but_the_send_is_done(db: Database) -> None:
    adapter = FakeAdapter()
    adapter.fail["pin"] = [NotAdmin("925", code=925)]
    reported: list[MessengerError] = []

    async def report(action: PlatformAction, exc: MessengerError) -> None:
        reported.append(exc)

    [key] = await _queue(db, ("send", {"chat_id": "1", "text": "Собрание", "pin": True}))
    await ActionRunner(db, adapter, on_failure=report).process_due()
    row = await _status(db, key)
    assert row.status == "done" and reported == [] and len(adapter.sent("send")) == 1
    assert row.result == {"message_id": "101", "pinned": False, "pin_error": "NotAdmin: 925"}


class SlowAdapter(FakeAdapter):
    """A send to chat `n` takes `n` ticks (mod 5); counts the sends under way at once."""

    def __init__(self) -> None:
        super().__init__()
        self.flying = self.most = 0

    async def send_message(self, chat_id: str, text: str, **kw: Any) -> str:
        self.flying += 1
        self.most = max(self.most, self.flying)
        await asyncio.sleep(0.05 * (int(chat_id) % 5))
        self.flying -= 1
        return await super().send_message(chat_id, text, **kw)


async def test_the_next_page_is_claimed_before_the_last_one_drains(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.actions.PAGE", 4)
    adapter = SlowAdapter()
    chats = ["1", "2", "3", "4", "6", "7", "1", "2"]
    await _queue(db, *[("send", {"chat_id": c, "text": f"m{i}"}) for i, c in enumerate(chats)])
    assert await ActionRunner(db, adapter).process_due(limit=None) == 8
    assert adapter.most > 4  # page 2 started while chats 3 and 4 of page 1 were still sending
    sent = adapter.sent("send")
    assert [t for c, t, _ in sent if c == "1"] == ["m0", "m6"]  # in order across pages
    assert [t for c, t, _ in sent if c == "2"] == ["m1", "m7"]


async def test_rows_committed_while_it_works_are_taken_on_a_kick(db: Database) -> None:
    adapter = SlowAdapter()
    await _queue(db, ("send", {"chat_id": "2", "text": "первая часть"}))
    runner = ActionRunner(db, adapter)
    working = asyncio.create_task(runner.process_due(limit=None))
    await asyncio.sleep(0.02)
    await _queue(db, ("send", {"chat_id": "1", "text": "вторая часть"}))
    runner.kick()  # as a fan-out does after each chunk it commits
    assert await working == 2
    assert [c for c, _, _ in adapter.sent("send")] == ["1", "2"]  # the later, quicker one too


async def _born(db: Database, runner: ActionRunner, *texts: str) -> list[PlatformAction]:
    """Calls queued as `Moderation.deciding` queues them: claimed by `runner` at birth."""
    handover = runner.handover()
    async with db.transaction() as session:
        for text in texts:
            born = await Outbox(session).add_claimed(
                uuid.uuid4().hex, platform="vk", kind="send", params={"chat_id": "1", "text": text},
                lease_until=handover.lease_until,
            )  # fmt: skip
            assert born is not None
            handover.actions.append(born)
    return handover.actions


class CountingClaims(Outbox):
    claims = 0

    async def claim_due(self, *args: Any, **kwargs: Any) -> list[PlatformAction]:
        CountingClaims.claims += 1
        return await super().claim_due(*args, **kwargs)


async def test_handed_calls_go_out_in_order_without_a_claim(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.actions.Outbox", CountingClaims)
    adapter = FakeAdapter()
    runner = ActionRunner(db, adapter, idle_check=60)
    runner.start()
    try:
        await asyncio.sleep(0.05)  # the start looks at the database once
        looked = CountingClaims.claims
        handed = await _born(db, runner, "первое", "второе")
        runner.hand(handed)
        for _ in range(200):
            if runner.recorded == 2:
                break
            await asyncio.sleep(0.01)
    finally:
        await runner.stop()
    assert [t for _, t, _ in adapter.sent("send")] == ["первое", "второе"]
    assert CountingClaims.claims == looked  # no claim: the deciding transaction made it
    for action in handed:
        row = await _status(db, action.key)
        assert (row.status, row.claims, row.attempts) == ("done", 1, 1)


async def test_a_stop_gives_back_the_handed_calls_not_yet_started(db: Database) -> None:
    first = ActionRunner(db, FakeAdapter())  # never started: the process stops at once
    [action] = await _born(db, first, "после остановки")
    first.hand([action])
    await first.stop()
    adapter = FakeAdapter()
    assert await ActionRunner(db, adapter).process_due() == 1  # due at once, not in 300 s
    assert adapter.sent("send") == [("1", "после остановки", None)]
    row = await _status(db, action.key)
    assert (row.status, row.claims) == ("done", 1)  # not taken for a cut-off call


async def test_the_sole_runner_takes_up_at_once_what_a_crashed_run_held(db: Database) -> None:
    crashed = ActionRunner(db, FakeAdapter())  # lease 300 s, as in single-process mode
    [held] = await _born(db, crashed, "до сбоя")
    [retrying] = await _queue(db, ("send", {"chat_id": "2", "text": "позже"}))
    async with db.transaction() as session:  # a failure waiting for its retry: not freed
        row = await Outbox(session).by_key(retrying)
        assert row is not None
        await Outbox(session).retry_later(row.id, "TransientError", utcnow() + timedelta(hours=1))
    # The process died holding `held`; it starts again.
    adapter = FakeAdapter()
    runner = ActionRunner(db, adapter, idle_check=60, sole=True)
    runner.start()
    try:
        for _ in range(200):
            if (await _status(db, held.key)).status == "done":
                break
            await asyncio.sleep(0.01)
    finally:
        await runner.stop()
    assert adapter.sent("send") == [("1", "до сбоя", None)]
    row = await _status(db, held.key)
    assert row.claims == 2  # taken as cut off: a send that may have gone out is looked up
    assert (await _status(db, retrying)).status == "pending"


class GatedAdapter(FakeAdapter):
    """Sends wait until `gate` opens: a token paced far behind, or a platform that hangs."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.asked = asyncio.Event()
        self.waiting = 0

    async def send_message(self, chat_id: str, text: str, **kw: Any) -> str:
        self.waiting += 1
        self.asked.set()
        await self.gate.wait()
        return await super().send_message(chat_id, text, **kw)


async def test_a_call_slower_than_its_lease_stays_this_processs(db: Database) -> None:
    adapter = GatedAdapter()
    runner = ActionRunner(db, adapter, idle_check=60, lease=0.3)
    runner.start()
    other = FakeAdapter()  # another worker's runner, claiming whatever is due
    try:
        [action] = await _born(db, runner, "медленно")
        runner.hand([action])
        for _ in range(100):  # three leases and more pass while the send hangs
            assert await ActionRunner(db, other, lease=0.3).process_due() == 0
            await asyncio.sleep(0.01)
        assert adapter.waiting == 1
        adapter.gate.set()
        for _ in range(200):
            if runner.recorded == 1:
                break
            await asyncio.sleep(0.01)
    finally:
        await runner.stop()
    assert adapter.sent("send") == [("1", "медленно", None)] and other.sent("send") == []
    row = await _status(db, action.key)
    assert (row.status, row.claims) == ("done", 1)


async def test_a_call_taken_over_while_it_waited_is_not_started_here(db: Database) -> None:
    adapter = GatedAdapter()
    runner = ActionRunner(db, adapter, lease=0.3)
    first, second = await _born(db, runner, "первое", "второе")  # one chat: in order
    runner.hand([first, second])
    working = asyncio.create_task(runner.process_due(limit=None, look=False))
    await asyncio.wait_for(adapter.asked.wait(), 5)
    # The database was away for longer than the lease: another worker claimed the
    # second call, which still waits here behind the first.
    await asyncio.sleep(0.35)
    async with db.transaction() as session:
        now = utcnow()
        taken = await Outbox(session).claim_many([second.id], now, now + timedelta(seconds=30))
    assert taken == {second.id}
    assert await runner.leases.renew() == 1  # the first is still held; the second let go
    adapter.gate.set()
    await working
    assert adapter.sent("send") == [("1", "первое", None)]
    row = await _status(db, second.key)
    assert (row.status, row.claims, row.attempts) == ("pending", 2, 0)  # the other's to do
