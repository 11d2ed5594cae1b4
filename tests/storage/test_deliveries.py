"""A fan-out's writes and reads in the deliveries repository, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from storage.db import Database
from storage.models import Announcement
from storage.repos import Chats, Deliveries, Outbox
from tests.storage.helpers import T0, new_chat, unique


async def _announcement(db: Database) -> int:
    async with db.transaction() as session:
        item = Announcement(text="Собрание", target_tags=["*"], run_at=T0)
        return (await Deliveries(session).add_announcement(item)).id


def _send(key: str, chat: str) -> dict[str, Any]:
    return {"key": key, "platform": "vk", "kind": "send", "params": {"chat_id": chat, "text": "x"}}


async def test_a_replayed_chunk_adds_only_what_is_missing(db: Database) -> None:
    ann = await _announcement(db)
    chats = [await new_chat(db) for _ in range(3)]
    keys = {c.id: unique("ann:") for c in chats}
    sends = {c.id: _send(keys[c.id], c.platform_chat_id) for c in chats}
    async with db.transaction() as session:
        await Deliveries(session).plan_sends(ann, T0, dict(list(sends.items())[:2]), T0)
    async with db.transaction() as session:
        deliveries = Deliveries(session)
        await deliveries.plan_sends(ann, T0, sends, T0)  # the replay after a crash
        assert len(await deliveries.pending(ann)) == 3
        assert await deliveries.run_has(ann, T0) and not await deliveries.run_has(
            ann, T0 + timedelta(1)
        )
        actions = [await Outbox(session).by_key(k) for k in keys.values()]
    assert all(a is not None and a.status == "pending" and a.kind == "send" for a in actions)


async def test_settled_sends_are_found_by_key(db: Database) -> None:
    ann = await _announcement(db)
    chats = [await new_chat(db) for _ in range(2)]
    keys = [unique("ann:") for _ in chats]
    sends = {c.id: _send(k, c.platform_chat_id) for c, k in zip(chats, keys, strict=True)}
    async with db.transaction() as session:
        await Deliveries(session).plan_sends(ann, T0, sends, T0)
    async with db.transaction() as session:
        done = await Outbox(session).by_key(keys[0])
        assert done is not None
        await Outbox(session).complete(done.id, {"message_id": "7", "pin_error": "NotAdmin: 925"})
    async with db.transaction() as session:
        deliveries = Deliveries(session)
        refs = [r for r in await deliveries.pending_refs() if r[1] == ann]
        assert sorted(r[3] for r in refs) == sorted(c.id for c in chats)
        settled = await deliveries.settled_sends(keys)
        assert list(settled) == [keys[0]] and settled[keys[0]].result["pin_error"]
        row_id = next(r[0] for r in refs if r[3] == chats[0].id)
        assert await deliveries.mark_sent(row_id, "7", at=T0, pin_error="NotAdmin: 925")
        assert await deliveries.run_has(ann, T0, status="pending")
        row = await deliveries.get(ann, T0, chats[0].id)
    assert row is not None and (row.status, row.error) == ("sent", "pin: NotAdmin: 925")


async def test_the_target_pool_has_every_chat_with_its_tags(db: Database) -> None:
    platform = unique("p")[:8]
    tagged, bare = await new_chat(db, platform), await new_chat(db, platform)
    async with db.transaction() as session:
        repo = Chats(session)
        await repo.set_tags(await repo.get_or_create(platform, tagged.platform_chat_id), ["b", "a"])
    async with db.transaction() as session:
        pool = await Deliveries(session).target_pool(platform)
    assert pool == [
        (tagged.id, tagged.platform_chat_id, "5А", ("a", "b")),
        (bare.id, bare.platform_chat_id, "5А", ()),
    ]
