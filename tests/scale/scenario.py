"""The school traffic of the crash and fault tests, and the exactly-once verdict.

200 chats, each with a teacher (admin) and six students; 20,000 events: ordinary
messages, 5% obscene ones that each earn a warning (each student at most one, so
no one reaches a block by strikes), and in 20 chats a teacher's one-day block of
the sixth student, who then stays silent. The verdict reads the audit log and the
emulator's own record of what the bot posted.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from sqlalchemy import func, select

from adapters.emulator.model import BOT
from storage import Database
from storage.models import AuditRecord, PlatformAction
from storage.models.sanctions import Block
from tests.e2e.control import Emulator

CHATS = 200
PER_CHAT = 100
STUDENTS = 6
BLOCKED_CHATS = 20
OBSCENE = "да иди ты нахуй"
WARNING_MARK = "Нецензурная лексика"


@dataclass
class School:
    chats: list[str] = field(default_factory=list)
    teachers: list[str] = field(default_factory=list)
    students: list[list[str]] = field(default_factory=list)

    @classmethod
    async def create(cls, control: Emulator) -> School:
        school = cls()
        for c in range(CHATS):
            teacher = await control.user(f"Учитель {c}")
            kids = [await control.user(f"Ученик {c}-{k}") for k in range(STUDENTS)]
            chat = await control.chat(f"{c % 11 + 1}А", [teacher, *kids], admins=[teacher])
            school.chats.append(chat)
            school.teachers.append(teacher)
            school.students.append(kids)
        return school

    def events(self) -> list[dict[str, str]]:
        """Message k of every chat, k = 0..99, chats interleaved (20,000 in all)."""
        out = []
        for k in range(PER_CHAT):
            for c, chat in enumerate(self.chats):
                kids = self.students[c]
                if k == 3 and c < BLOCKED_CHATS:
                    out.append(
                        {"chat_id": chat, "from_id": self.teachers[c],
                         "text": f"/блок {kids[5]} 1 флуд"}
                    )  # fmt: skip
                elif k % 20 == 7:  # 5 per chat = 5%, student (k // 20) once each
                    out.append({"chat_id": chat, "from_id": kids[k // 20], "text": OBSCENE})
                else:
                    author = kids[k % 5] if k % 3 else self.teachers[c]
                    out.append({"chat_id": chat, "from_id": author, "text": f"сообщение {k}"})
        return out

    @property
    def violations(self) -> int:
        return CHATS * (PER_CHAT // 20)


async def post(session: aiohttp.ClientSession, url: str, events: list[dict[str, str]]) -> None:
    async with session.post(f"{url}/emulator/bulk", json={"messages": events}) as resp:
        assert resp.status == 201, await resp.text()


@dataclass
class Verdict:
    warnings: Counter[tuple[int | None, str | None]]
    blocks: int
    unblocks: int
    pending_actions: int
    pending_sample: list[tuple[str, int, str | None]]
    bot_warnings_by_chat: dict[str, int]
    bot_replies: Counter[tuple[str, int]]


async def verdict(db: Database, hub: Any, school: School) -> Verdict:
    async with db.transaction() as session:
        rows = (
            await session.execute(
                select(AuditRecord.chat_id, AuditRecord.target_user_id).where(
                    AuditRecord.action == "warn"
                )
            )
        ).all()
        blocks = await session.scalar(select(func.count()).select_from(Block))
        unblocks = await session.scalar(
            select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "unblock")
        )
        pending_rows = (
            await session.execute(
                select(PlatformAction.kind, PlatformAction.attempts, PlatformAction.error).where(
                    PlatformAction.status == "pending"
                )
            )
        ).all()
        pending = len(pending_rows)
    by_chat: dict[str, int] = {}
    replies: Counter[tuple[str, int]] = Counter()
    front = hub.bot_front
    for chat_ref in school.chats:
        chat = front.parse_conversation(chat_ref)
        mine = [m for m in chat.messages if m.from_id == BOT]
        by_chat[chat_ref] = sum(WARNING_MARK in m.text for m in mine)
        for m in mine:
            if m.reply_to is not None and WARNING_MARK in m.text:
                replies[(chat_ref, m.reply_to)] += 1
    return Verdict(
        Counter((r[0], r[1]) for r in rows),
        int(blocks or 0),
        int(unblocks or 0),
        pending,
        [(r[0], r[1], r[2]) for r in pending_rows[:5]],
        by_chat,
        replies,
    )


async def all_done(db: Database, hub: Any, school: School, timeout: float) -> Verdict:
    """Wait until every violation is warned, every block made and nothing is pending."""
    deadline = time.monotonic() + timeout
    while True:
        v = await verdict(db, hub, school)
        done = (
            len(v.warnings) >= school.violations
            and v.blocks >= BLOCKED_CHATS
            and v.pending_actions == 0
            and sum(v.bot_warnings_by_chat.values()) >= school.violations
        )
        if done or time.monotonic() > deadline:
            return v
        await asyncio.sleep(0.5)


def assert_exactly_once(v: Verdict, school: School) -> None:
    assert len(v.warnings) == school.violations, f"{len(v.warnings)} warned people"
    assert max(v.warnings.values()) == 1, "a warning was recorded twice"
    assert v.pending_actions == 0, (v.pending_actions, v.pending_sample)
    assert set(v.bot_warnings_by_chat.values()) == {PER_CHAT // 20}, v.bot_warnings_by_chat
    assert max(v.bot_replies.values()) == 1, "a warning was posted twice"
    assert v.blocks == BLOCKED_CHATS
