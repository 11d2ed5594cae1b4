"""The outbox's claims on SQLite and PostgreSQL: a process that dies holding a call
leaves it recognisable as interrupted to the next claimer."""

from __future__ import annotations

import uuid
from datetime import timedelta

from storage.db import Database
from storage.models import utcnow
from storage.repos import Outbox
from storage.repos.outbox import UNCLAIMED

LEASE = timedelta(seconds=30)


async def _claim(db: Database, action_id: int, now: object) -> tuple[bool, bool]:
    """(claimed, interrupted-as-read-before-claiming)."""
    async with db.transaction() as session:
        outbox = Outbox(session)
        due = await outbox.due(now, limit=1000)  # type: ignore[arg-type]
        interrupted = {a.id for a in due if a.interrupted}  # read before claiming
        got = await outbox.claim_many([action_id], now, now + LEASE)  # type: ignore[operator]
        return action_id in got, action_id in interrupted


async def test_a_claim_without_outcome_marks_the_call_interrupted(db: Database) -> None:
    async with db.transaction() as session:
        action = await Outbox(session).add(
            f"test:{uuid.uuid4().hex}", platform="vk", kind="send", params={"chat_id": "1"}
        )
    first = utcnow() + timedelta(seconds=1)
    assert await _claim(db, action.id, first) == (True, False)
    # The process died: no outcome. The lease runs out and another process claims it.
    assert await _claim(db, action.id, first + LEASE / 2) == (False, False)  # still leased
    assert await _claim(db, action.id, first + LEASE * 2) == (True, True)
    async with db.transaction() as session:
        outbox = Outbox(session)
        await outbox.retry_later(action.id, "TransientError", first)  # an outcome
    assert await _claim(db, action.id, first + LEASE * 3) == (True, True)  # 3 claims, 1 outcome


async def test_an_outcome_per_claim_is_not_interrupted(db: Database) -> None:
    async with db.transaction() as session:
        action = await Outbox(session).add(
            f"test:{uuid.uuid4().hex}", platform="vk", kind="send", params={"chat_id": "1"}
        )
    now = utcnow() + timedelta(seconds=1)
    assert await _claim(db, action.id, now) == (True, False)
    async with db.transaction() as session:
        await Outbox(session).retry_later(action.id, "TransientError", now)
    assert await _claim(db, action.id, now + timedelta(seconds=1)) == (True, False)


async def test_claim_due_takes_each_due_call_once_and_counts_the_claim(db: Database) -> None:
    async with db.transaction() as session:
        outbox = Outbox(session)
        keys = [f"test:{uuid.uuid4().hex}" for _ in range(3)]
        ids = [
            (await outbox.add(k, platform="vk", kind="send", params={"chat_id": "1"})).id
            for k in keys
        ]
        later = await outbox.add(
            f"test:{uuid.uuid4().hex}", platform="vk", kind="send", params={"chat_id": "1"},
            not_before=utcnow() + timedelta(hours=1),
        )  # fmt: skip
    now = utcnow() + timedelta(seconds=1)
    async with db.transaction() as session:
        got = await Outbox(session).claim_due(now, now + LEASE, limit=10_000)
    mine = [a for a in got if a.id in ids]
    assert [a.id for a in mine] == ids  # oldest first
    assert all(a.claims == 1 and not a.interrupted_before for a in mine)
    assert later.id not in {a.id for a in got}  # not due yet
    async with db.transaction() as session:  # leased: nobody gets them again
        again = await Outbox(session).claim_due(now, now + LEASE, limit=10_000)
    assert not {a.id for a in again} & set(ids)
    # The lease ran out without an outcome: the next claim sees the cut-off call.
    async with db.transaction() as session:
        late = await Outbox(session).claim_due(now + LEASE * 2, now + LEASE * 3, limit=10_000)
    assert [a.id for a in late if a.id in ids] == ids
    assert all(a.claims == 2 and a.interrupted_before for a in late if a.id in ids)


async def test_a_call_claimed_at_birth_is_not_due_until_its_lease_ends(db: Database) -> None:
    now = utcnow()
    key = f"test:{uuid.uuid4().hex}"
    async with db.transaction() as session:
        outbox = Outbox(session)
        born = await outbox.add_claimed(
            key, platform="vk", kind="send", params={"chat_id": "1"}, lease_until=now + LEASE
        )
        assert born is not None and born.claims == 1
        assert UNCLAIMED not in session.info  # nothing for the runner to claim
    async with db.transaction() as session:
        taken = await Outbox(session).claim_due(now + LEASE / 2, now + LEASE, limit=10_000)
    assert born.id not in {a.id for a in taken}  # this process's until the lease ends
    # The process died before carrying it out: after the lease it is claimed as cut off.
    async with db.transaction() as session:
        late = await Outbox(session).claim_due(now + LEASE * 2, now + LEASE * 3, limit=10_000)
    [mine] = [a for a in late if a.id == born.id]
    assert mine.claims == 2 and mine.interrupted_before


async def test_a_replayed_claimed_call_is_left_to_the_claim_that_has_it(db: Database) -> None:
    key = f"test:{uuid.uuid4().hex}"
    until = utcnow() + LEASE
    async with db.transaction() as session:
        first = await Outbox(session).add_claimed(
            key, platform="vk", kind="send", params={"chat_id": "1"}, lease_until=until
        )
    async with db.transaction() as session:
        again = await Outbox(session).add_claimed(
            key, platform="vk", kind="send", params={"chat_id": "1", "text": "x"}, lease_until=until
        )
        assert again is None  # not handed a second time
        assert session.info[UNCLAIMED]  # its committer wakes the runner, as for any queued row
    assert first is not None


async def test_a_released_claim_is_due_at_once_and_not_interrupted(db: Database) -> None:
    now = utcnow()
    async with db.transaction() as session:
        born = await Outbox(session).add_claimed(
            f"test:{uuid.uuid4().hex}", platform="vk", kind="send", params={"chat_id": "1"},
            lease_until=now + LEASE,
        )  # fmt: skip
    assert born is not None
    async with db.transaction() as session:
        await Outbox(session).release([born.id], now)
    async with db.transaction() as session:
        taken = await Outbox(session).claim_due(now, now + LEASE, limit=10_000)
    [mine] = [a for a in taken if a.id == born.id]
    assert mine.claims == 1 and not mine.interrupted_before


async def test_extend_renews_only_the_claims_still_held(db: Database) -> None:
    now = utcnow() + timedelta(seconds=1)
    async with db.transaction() as session:
        outbox = Outbox(session)
        rows = [
            await outbox.add(
                f"test:{uuid.uuid4().hex}", platform="vk", kind="send", params={"chat_id": "1"}
            )
            for _ in range(3)
        ]
    ids = [r.id for r in rows]
    async with db.transaction() as session:
        got = await Outbox(session).claim_many(ids, now, now + LEASE)
    assert got == set(ids)
    held = {i: 1 for i in ids}  # each taken with its first claim
    # Row 2 has an outcome; row 3's lease ran out and another process claimed it.
    async with db.transaction() as session:
        await Outbox(session).complete(ids[1])
        assert await Outbox(session).claim_many([ids[2]], now + LEASE * 2, now + LEASE * 3)
    async with db.transaction() as session:
        renewed = await Outbox(session).extend(held, now + LEASE * 10)
    assert renewed == {ids[0]}
    # The renewed one is nobody else's long after its first lease; the other's is unchanged.
    async with db.transaction() as session:
        late = await Outbox(session).claim_due(now + LEASE * 5, now + LEASE * 6, limit=10_000)
    assert [a.id for a in late if a.id in ids] == [ids[2]]
