"""A decision's calls: claimed as they are queued, started on commit, without a kick;
a replayed decision queues nothing new and wakes the runner for what is pending."""

from __future__ import annotations

from storage import Database
from tests.bot.fakes import FakeAdapter
from tests.bot.services.conftest import make_services


async def test_a_decision_hands_its_calls_over_and_a_replay_wakes_the_runner(
    db: Database,
) -> None:
    adapter = FakeAdapter()
    m = make_services(db, adapter).warnings.m
    kicks: list[None] = []
    m.actions.kick = lambda: kicks.append(None)  # type: ignore[method-assign]

    async with m.deciding("vk:test:1") as ledger:
        await ledger.send("reply", "2000000001", "Первое предупреждение")
    assert kicks == []  # nothing for the runner to claim
    assert await m.actions.process_due(look=False) == 1  # handed over, no claim
    assert adapter.sent("send") == [("2000000001", "Первое предупреждение", None)]

    async with m.deciding("vk:test:1") as ledger:  # the same event again
        await ledger.send("reply", "2000000001", "Первое предупреждение")
    assert kicks == [None]
    assert await m.actions.process_due() == 0  # the first one was done: nothing twice
    assert len(adapter.sent("send")) == 1
