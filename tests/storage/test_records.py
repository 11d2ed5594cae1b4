"""Cursors, deliveries, chats, memberships, people and consent, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from adapters.base import CursorStore
from storage.db import Database
from storage.models import Announcement, Delivery, Person
from storage.repos import (
    Blocks,
    Chats,
    ConsentWindows,
    Cursors,
    DatabaseCursors,
    Deliveries,
    Memberships,
    People,
)
from tests.storage.helpers import T0, new_chat, unique


class TestCursors:
    async def test_save_is_an_upsert(self, db: Database) -> None:
        store = DatabaseCursors(db)
        assert isinstance(store, CursorStore)
        key = unique("vk:bot:")
        assert await store.load_cursor(key) is None
        await store.save_cursor(key, "100")
        await store.save_cursor(key, "101")
        assert await store.load_cursor(key) == "101"
        async with db.transaction() as session:
            assert await Cursors(session).load_cursor(key) == "101"

    async def test_uncommitted_cursor_is_not_kept(self, db: Database) -> None:
        key = unique("max:bot:")
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await Cursors(session).save_cursor(key, "5")
                raise RuntimeError("batch failed")
        assert await DatabaseCursors(db).load_cursor(key) is None


class TestDeliveries:
    async def _announcement(self, db: Database) -> int:
        async with db.transaction() as session:
            item = Announcement(text="Собрание в четверг", target_tags=["parents"], run_at=T0)
            return (await Deliveries(session).add_announcement(item)).id

    async def test_planning_twice_makes_one_row_per_chat(self, db: Database) -> None:
        announcement_id = await self._announcement(db)
        chats = [(await new_chat(db)).id for _ in range(3)]
        async with db.transaction() as session:
            assert await Deliveries(session).plan(announcement_id, T0, chats[:2]) == 2
        async with db.transaction() as session:
            deliveries = Deliveries(session)
            assert await deliveries.plan(announcement_id, T0, chats) == 1
            assert await deliveries.plan(announcement_id, T0 + timedelta(days=1), chats[:1]) == 1
            assert len(await deliveries.pending(announcement_id)) == 4

    async def test_database_refuses_a_duplicate_delivery(self, db: Database) -> None:
        announcement_id = await self._announcement(db)
        chat = await new_chat(db)
        async with db.transaction() as session:
            await Deliveries(session).plan(announcement_id, T0, [chat.id])
        with pytest.raises(IntegrityError):
            async with db.transaction() as session:
                session.add(Delivery(announcement_id=announcement_id, run_at=T0, chat_id=chat.id))

    async def test_marking_finishes_a_delivery_once(self, db: Database) -> None:
        announcement_id = await self._announcement(db)
        chat = await new_chat(db)
        async with db.transaction() as session:
            deliveries = Deliveries(session)
            await deliveries.plan(announcement_id, T0, [chat.id])
            row = await deliveries.get(announcement_id, T0, chat.id)
            assert row is not None
            assert await deliveries.mark_sent(row.id, "m-1", at=T0) is True
            assert await deliveries.mark_failed(row.id, "late error") is False
            assert await deliveries.pending(announcement_id) == []
            assert row.status == "sent" and row.platform_message_id == "m-1"


class TestChats:
    async def test_get_or_create_is_one_row_even_concurrently(self, db: Database) -> None:
        platform_id = unique("chat-")

        async def create() -> int:
            async with db.transaction() as session:
                return (await Chats(session).get_or_create("max", platform_id)).id

        assert len(set(await asyncio.gather(*(create() for _ in range(5))))) == 1

    async def test_tags_and_curators(self, db: Database) -> None:
        chat, other = await new_chat(db), await new_chat(db)
        tag = unique("tag-")
        curator = Person(person_id=unique("p-"), full_name="Анна Петровна", role="staff")
        async with db.transaction() as session:
            chats = Chats(session)
            await People(session).save(curator)
            loaded = await chats.get(chat.id)
            assert loaded is not None
            await chats.set_tags(loaded, [tag, "parents", tag])
            await chats.set_tags(loaded, [tag, "5A"])
            await chats.add_curator(chat.id, curator.person_id)
            await chats.add_curator(chat.id, curator.person_id)
        async with db.transaction() as session:
            chats = Chats(session)
            reloaded = await chats.get(chat.id)
            assert reloaded is not None and reloaded.tag_names == sorted([tag, "5A"])
            assert [c.id for c in await chats.with_tag(tag)] == [chat.id]
            assert other.id not in [c.id for c in await chats.with_tag("5A")]
            assert await chats.curators(chat.id) == [curator.person_id]


class TestMembershipsAndPeople:
    async def test_stays_open_and_close(self, db: Database) -> None:
        chat = await new_chat(db)
        async with db.transaction() as session:
            members = Memberships(session)
            first = await members.joined(chat.id, "u1", at=T0)
            assert (await members.joined(chat.id, "u1")).id == first.id
            assert await members.acknowledge(chat.id, "u1", at=T0 + timedelta(minutes=1))
            assert await members.left(chat.id, "u1", at=T0 + timedelta(days=1))
            assert not await members.left(chat.id, "u1")
            again = await members.joined(chat.id, "u1", at=T0 + timedelta(days=2))
            assert again.id != first.id and again.acknowledged_rules_at is None
            await members.joined(chat.id, "u2", at=T0, is_admin=True)
            assert [m.user_id for m in await members.members(chat.id)] == ["u2", "u1"]

    async def test_roster_accounts_and_family(self, db: Database) -> None:
        parent, child = unique("parent-"), unique("child-")
        vk_id = unique()
        async with db.transaction() as session:
            people = People(session)
            await people.save(
                Person(person_id=parent, full_name="Мама", role="parent", vk_user_id=vk_id)
            )
            await people.save(
                Person(person_id=child, full_name="Петя", role="student", class_name="5А")
            )
            await people.link_family(parent, child)
            await people.link_family(parent, child)
        async with db.transaction() as session:
            people = People(session)
            found = await people.by_account("vk", vk_id)
            assert found is not None and found.person_id == parent
            assert await people.by_account("max", vk_id) is None
            assert [p.person_id for p in await people.children(parent)] == [child]
            assert [p.person_id for p in await people.parents(child)] == [parent]
            await people.save(
                Person(person_id=child, full_name="Петя", role="student", status="departed")
            )
            departed = await people.get(child)
            assert departed is not None and departed.status == "departed"


class TestConsentWindows:
    async def test_objections_count_once_and_window_closes_once(self, db: Database) -> None:
        chat = await new_chat(db)
        async with db.transaction() as session:
            block = await Blocks(session).add(
                chat.id, "u", "insult", starts_at=T0, ends_at=T0 + timedelta(days=7)
            )
            windows = ConsentWindows(session)
            apology = await windows.add_apology(block.id, "u", "Извините, больше не повторится")
            window = await windows.open(
                block.id,
                apology_id=apology.id,
                opened_at=T0,
                closes_at=T0 + timedelta(hours=24),
                eligible_voters=["a", "b", "a"],
            )
        async with db.transaction() as session:
            windows = ConsentWindows(session)
            assert await windows.add_objection(window.id, "b") is True
            assert await windows.add_objection(window.id, "b") is False
            assert await windows.objectors(window.id) == ["b"]
            assert window.id in [w.id for w in await windows.open_windows()]
            assert await windows.close(window.id, "objected") is True
            assert await windows.close(window.id, "passed") is False
            settled = await windows.get(window.id)
            assert settled is not None and settled.status == "objected"
            assert settled.eligible_voters == ["a", "b"]
            with pytest.raises(ValueError):
                await windows.close(window.id, "open")
