"""Seed data for the dashboard tests: two classes, a curator of one, a hostile name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from storage.db import Database
from storage.models import Chat, ChatTag, Membership, Person, School
from storage.repos import AuditLog, DashboardUsers, Outbox, count_message

HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"
EVIL = "<script>alert(1)</script>"
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday


class Clock:
    """A clock tests move by hand instead of sleeping."""

    def __init__(self, now: datetime = T0 + timedelta(days=3)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass(frozen=True)
class Seed:
    chat_a: int  # 5А: the curator's class
    chat_b: int  # 6Б: not the curator's


async def seed(db: Database) -> Seed:
    async with db.transaction() as s:
        school = School(name="Школа №1", time_zone="Europe/Moscow")
        s.add(school)
        await s.flush()
        a = Chat(
            platform="vk", platform_chat_id="2000000001", title="5А родители", school_id=school.id
        )
        b = Chat(
            platform="vk", platform_chat_id="2000000002", title="6Б родители", school_id=school.id
        )
        s.add_all([a, b])
        await s.flush()
        s.add_all([ChatTag(chat_id=a.id, tag="5А"), ChatTag(chat_id=b.id, tag="6Б")])
        s.add_all(
            [
                Person(person_id="p1", full_name=EVIL, role="parent", vk_user_id="101"),
                Person(person_id="p2", full_name="Иванова Мария", role="parent", vk_user_id="102"),
            ]
        )
        for user, chat in (("101", a.id), ("102", a.id), ("999", a.id), ("102", b.id)):
            s.add(Membership(chat_id=chat, user_id=user, joined_at=T0))
        log = AuditLog(s)
        warn = await log.append(
            action="warn", actor_kind="person", actor_id="500", chat_id=a.id,
            target_user_id="101", rule_code="obscene", reason="мат в чате", created_at=T0,
        )  # fmt: skip
        await log.append(
            action="void", actor_kind="person", actor_id="500", chat_id=a.id,
            target_user_id="101", corrects_id=warn.id, reason="ошибка",
            created_at=T0 + timedelta(hours=1),
        )  # fmt: skip
        await log.append(
            action="warn", actor_kind="detector", detector_name="flood", chat_id=a.id,
            target_user_id="102", rule_code="flood", reason="=HYPERLINK(1)",
            created_at=T0 + timedelta(hours=2),
        )  # fmt: skip
        block = await log.append(
            action="block", actor_kind="person", actor_id="501", chat_id=b.id,
            target_user_id="102", rule_code="insult", reason="оскорбление",
            created_at=T0 + timedelta(hours=3),
        )  # fmt: skip
        await Outbox(s).add(
            key="remove-1", platform="vk", kind="remove", audit_id=block.id,
            params={"chat_id": "2000000002", "user_id": "102"},
        )  # fmt: skip
        await count_message(s, a.id, T0)
        await count_message(s, a.id, T0 + timedelta(days=1))
        users = DashboardUsers(s)
        await users.add(username="admin", password_hash=HASHER.hash(PASSWORD), role="administrator")
        await users.add(
            username="curator", password_hash=HASHER.hash(PASSWORD), role="curator",
            class_tags=["5А"],
        )  # fmt: skip
    return Seed(chat_a=a.id, chat_b=b.id)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


async def login(client: TestClient, username: str, password: str = PASSWORD) -> int:  # type: ignore[type-arg]
    page = await client.get("/login")
    token = csrf_of(await page.text())
    response = await client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token},
        allow_redirects=False,
    )
    return response.status
