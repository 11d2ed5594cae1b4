"""The roster and departures end to end, on every platform the `platform` fixture lists.

Regulation point 8, as a school's administrator would do it: the e-journal's export
(a CSV written here, with made-up people) goes through `etiket roster import` and
`etiket roster sync`, which carry out the removals through the real adapter against
the emulator; what is checked is who is still a member of which chat, as
`GET /emulator/chats/{id}` shows it. The CLI runs in a worker thread (it has its
own event loop) while this loop keeps the emulator answering.

The school: class 7А with a class chat, a parents' chat and the staff room.

    c1  curator of 7А, in the staff room, mother of s4 (a student of her own class)
    t1  teacher, in the staff room, father of s3 (so also in the parents' chat)
    s1, s2  siblings in 7А; p1 is the parent of both
    s3  in 7А; parents p2 and t1
    s4  in 7А; parent c1
    a1  administrator, in the staff room

The `/выбыл` command is tested at the end with the bot running in this process.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import delete, func, select

from bot.app import App
from bot.cli import cli
from bot.moderation.roster import RosterRow
from bot.services import roster as service
from storage import Database
from storage.migrate import upgrade
from storage.models import AuditRecord, Membership, Person, Strike
from storage.repos import Chats, Memberships
from tests.e2e.conftest import EmulatorServer
from tests.e2e.control import Emulator, eventually
from tests.e2e.school import payload_of

HEADER = ("person_id", "full_name", "role", "class", "status", "vk_user_id", "max_user_id",
          "parent_of", "chats")  # fmt: skip
CLASS, PARENTS, STAFF = "7А", "7А-родители", "учительская"
NAMES = {
    "c1": "Ольга Петровна Кузнецова",
    "t1": "Иван Сергеевич Орлов",
    "a1": "Нина Викторовна Белова",
    "s1": "Аня Морозова",
    "s2": "Боря Морозов",
    "p1": "Елена Морозова",
    "s3": "Вера Орлова",
    "p2": "Марина Орлова",
    "s4": "Гоша Кузнецов",
}
REMOVE_METHODS = ("messages.removeChatUser", "DELETE /chats/{chat_id}/members")


@dataclass
class Entry:
    role: str
    klass: str = ""
    status: str = "active"
    parent_of: tuple[str, ...] = ()
    chats: tuple[str, ...] = ()


def school_roster() -> dict[str, Entry]:
    return {
        "c1": Entry("curator", CLASS, parent_of=("s4",), chats=(STAFF,)),
        "t1": Entry("teacher", parent_of=("s3",), chats=(STAFF,)),
        "a1": Entry("administrator", chats=(STAFF,)),
        "s1": Entry("student", CLASS),
        "s2": Entry("student", CLASS),
        "p1": Entry("parent", parent_of=("s1", "s2")),
        "s3": Entry("student", CLASS),
        "p2": Entry("parent", parent_of=("s3",)),
        "s4": Entry("student", CLASS),
    }


@dataclass
class School:
    """The emulator's chats and people, the school's database, and the CLI pointed at both."""

    server: EmulatorServer
    platform: str
    tmp_path: Path
    db: Database
    users: dict[str, str] = field(default_factory=dict)  # person_id -> platform user id
    chats: dict[str, str] = field(default_factory=dict)  # tag -> platform chat id
    files: int = 0

    @property
    def em(self) -> Emulator:
        return self.server.control

    @property
    def env(self) -> dict[str, str]:
        p = self.platform.upper()
        return {
            "ETIKET_PLATFORM": self.platform,
            "ETIKET_DATABASE_URL": self.db_url,
            "ETIKET_AUTO_MIGRATE": "false",
            "ETIKET_LANGUAGE": "en",
            f"ETIKET_{p}__API_URL": self.server.api_url(self.platform),
            f"ETIKET_{p}__TOKEN": self.server.token,
        }

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.tmp_path / 'school.sqlite3'}"

    async def open(self, *, admin_everywhere: bool = True) -> School:
        for person_id in NAMES:
            self.users[person_id] = await self.em.user(NAMES[person_id])
        u = self.users
        layout = {
            CLASS: ["c1", "s1", "s2", "s3", "s4"],
            PARENTS: ["c1", "p1", "p2", "t1"],
            STAFF: ["c1", "t1", "a1"],
        }
        async with self.db.transaction() as session:
            repo = Chats(session)
            for tag, people in layout.items():
                chat_id = await self.em.chat(tag, [u[p] for p in people], admins=[u["c1"]])
                self.chats[tag] = chat_id
                chat = await repo.get_or_create(self.platform, chat_id, title=tag)
                await repo.set_tags(chat, [tag])
                # The members the bot has seen join, as a running bot records them.
                for p in people:
                    await Memberships(session).joined(chat.id, u[p])
        return self

    def write(
        self,
        people: Mapping[str, Entry],
        *,
        encoding: str = "utf-8",
        delimiter: str = ",",
        extra: Iterable[str] = (),
    ) -> Path:
        """The e-journal's export of `people`, plus raw `extra` lines."""
        account = 5 if self.platform == "vk" else 6
        lines = [delimiter.join(HEADER)]
        for pid, p in people.items():
            cells = [pid, NAMES[pid], p.role, p.klass, p.status, "", "", " ".join(p.parent_of),
                     " ".join(p.chats)]  # fmt: skip
            cells[account] = self.users[pid]
            lines.append(delimiter.join(cells))
        lines.extend(extra)
        self.files += 1
        path = self.tmp_path / f"export-{self.files}.csv"
        path.write_bytes("\r\n".join(lines).encode(encoding))
        return path

    async def cli(self, *args: str, input: str | None = None) -> Result:
        """`etiket <args>` in a worker thread: its own event loop, this one keeps serving."""
        runner = CliRunner()
        return await asyncio.to_thread(runner.invoke, cli, list(args), env=self.env, input=input)

    async def import_(self, path: Path) -> None:
        result = await self.cli("roster", "import", str(path))
        assert result.exit_code == 0, result.output + result.stderr

    async def sync(self, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """`etiket roster sync --json --yes`: the plan, then the outcome of every removal."""
        result = await self.cli("roster", "sync", str(path), "--json", "--yes")
        assert result.exit_code == 0, result.output + result.stderr
        lines = result.stdout.strip().splitlines()
        plan = json.loads(lines[0])
        results = json.loads(lines[1])["results"] if len(lines) > 1 else []
        return plan, results

    async def bot_is_admin(self, tag: str, flag: bool) -> None:
        """The chat's owner takes the bot's admin rights away, or gives them back."""
        await self.em._req("PATCH", f"/chats/{self.chats[tag]}", {"bot_is_admin": flag})

    async def members(self, tag: str) -> set[str]:
        """Who is in the chat, by roster id, as the emulator shows it."""
        by_user = {user: pid for pid, user in self.users.items()}
        chat = await self.em.get_chat(self.chats[tag])
        return {by_user[m["user_id"]] for m in chat["members"] if m["user_id"] in by_user}

    async def removals(self) -> list[tuple[str, str]]:
        """(chat, user) of every removal the platform carried out, from the call log."""
        out = []
        for call in await self.em.calls():
            if call["method"] in REMOVE_METHODS and "error" not in call:
                p = call["params"]
                out.append((str(p.get("chat_id")), str(p.get("member_id", p.get("user_id")))))
        return out

    async def people(self) -> int:
        async with self.db.transaction() as session:
            count = await session.execute(select(func.count()).select_from(Person))
            return int(count.scalar_one())


@pytest.fixture
async def school(emulator: EmulatorServer, platform: str, tmp_path: Path) -> AsyncIterator[School]:
    url = f"sqlite:///{tmp_path / 'school.sqlite3'}"
    await upgrade(url)
    db = Database(url)
    try:
        yield await School(emulator, platform, tmp_path, db).open()
    finally:
        await db.close()


def departed(roster: dict[str, Entry], *ids: str) -> dict[str, Entry]:
    for pid in ids:
        roster[pid].status = "departed"
    return roster


async def test_sibling_parent_stays_and_the_only_childs_parent_leaves(school: School) -> None:
    await school.import_(school.write(school_roster()))
    plan, results = await school.sync(school.write(departed(school_roster(), "s1", "s3")))
    assert sorted(d["person_id"] for d in plan["departures"]) == ["s1", "s3"]
    assert {r["status"] for r in results} == {"done"}
    assert await school.members(CLASS) == {"c1", "s2", "s4"}
    # p1 still has s2 in 7А; p2's only child left; t1 is staff, but the parents' chat
    # is not one of his staff chats, so he leaves it as a parent.
    assert await school.members(PARENTS) == {"c1", "p1"}
    assert await school.members(STAFF) == {"c1", "t1", "a1"}
    async with school.db.transaction() as session:
        audit = list((await session.execute(select(AuditRecord))).scalars())
        strikes = list((await session.execute(select(Strike))).scalars())
    assert len(audit) == len(results) == 4 and strikes == []  # audited, not sanctions
    assert {(a.action, a.rule_code) for a in audit} == {("departure_removal", "departure")}


async def test_staff_who_are_parents(school: School) -> None:
    await school.import_(school.write(school_roster()))
    # The curator's own son leaves her class; the teacher t1 leaves the school while
    # his daughter s3 stays.
    plan, results = await school.sync(school.write(departed(school_roster(), "s4", "t1")))
    assert {r["status"] for r in results} == {"done"}
    assert await school.members(CLASS) == {"c1", "s1", "s2", "s3"}  # c1 keeps her class
    assert await school.members(PARENTS) == {"c1", "p1", "p2", "t1"}  # t1 is still a father
    assert await school.members(STAFF) == {"c1", "a1"}
    assert sorted((r["person_id"], r["reason"]) for r in plan["removals"]) == [
        ("s4", "departed"),
        ("t1", "departed"),
    ]


async def test_a_class_move_retags_and_removes_nobody(school: School) -> None:
    await school.import_(school.write(school_roster()))
    before = {tag: await school.members(tag) for tag in (CLASS, PARENTS, STAFF)}
    moved = school_roster()
    for p in moved.values():
        if p.klass:
            p.klass = "8А"
    plan, results = await school.sync(school.write(moved))
    assert plan["removals"] == [] and results == []
    assert all(c["moved_with_class"] for c in plan["class_changes"])
    assert len(plan["class_changes"]) == 4
    async with school.db.transaction() as session:
        state = await service.load_state(session)
    tags = {c.platform_chat_id: sorted(c.tags) for c in state.chats}
    assert tags == {
        school.chats[CLASS]: ["8А"],
        school.chats[PARENTS]: ["8А-родители"],
        school.chats[STAFF]: [STAFF],
    }
    assert {tag: await school.members(tag) for tag in before} == before
    assert await school.removals() == []
    # A year later in 8А: the retagged chats are the class's chats now.
    _, results = await school.sync(school.write(departed(moved, "s2")))
    assert len(results) == 1 and await school.members(CLASS) == {"c1", "s1", "s3", "s4"}
    assert await school.members(PARENTS) == {"c1", "p1", "p2", "t1"}  # p1 has s1 there


async def test_a_rerun_does_nothing(school: School) -> None:
    await school.import_(school.write(school_roster()))
    export = school.write(departed(school_roster(), "s3"))
    _, results = await school.sync(export)
    assert len(results) == 3  # s3 from 7А, p2 and t1 from the parents' chat
    removed = await school.removals()
    assert len(removed) == 3
    again = await school.cli("roster", "sync", str(export), "--yes")
    assert again.exit_code == 0 and "Nothing to do" in again.stdout
    plan, results = await school.sync(export)
    assert plan["removals"] == [] and results == []
    retry = await school.cli("roster", "retry")
    assert "queued again: 0" in retry.stdout
    assert await school.removals() == removed  # nobody is removed twice
    assert await school.members(PARENTS) == {"c1", "p1"}


async def test_a_failed_removal_is_reported_and_retried(school: School) -> None:
    await school.import_(school.write(school_roster()))
    parents_chat = school.chats[PARENTS]
    await school.bot_is_admin(PARENTS, False)
    export = school.write(departed(school_roster(), "s1", "s2"))
    result = await school.cli("roster", "sync", str(export), "--yes")
    assert result.exit_code == 0, result.output
    p1 = school.users["p1"]
    assert f"✗ chat {parents_chat}: {p1} failed (NotAdmin" in result.stdout
    assert "Retry with: etiket roster retry" in result.stdout
    # The bot cannot read the parents' chat's members either, so the plan says its
    # removals are unchecked: the students are planned out of it too (their class's
    # chat), and the platform answers "not a member" for them once the bot can ask.
    assert f"Could not read the member list of chats {parents_chat}" in result.stdout
    assert await school.members(CLASS) == {"c1", "s3", "s4"}
    assert "p1" in await school.members(PARENTS)

    await school.bot_is_admin(PARENTS, True)
    retry = await school.cli("roster", "retry")
    assert retry.exit_code == 0, retry.output
    assert "queued again: 3" in retry.stdout  # p1, and s1 and s2 who were never there
    assert f"✓ chat {parents_chat}: {p1} removed" in retry.stdout
    assert "✗" not in retry.stdout
    assert await school.members(PARENTS) == {"c1", "p2", "t1"}
    retry = await school.cli("roster", "retry")
    assert "queued again: 0" in retry.stdout


async def test_an_invalid_windows_1251_file_writes_nothing(school: School) -> None:
    bad = [
        "x1;Ученик Без Класса;student;;active;;;;",
        "x2;Директор;директор;;active;;;;",
        f"x3;Двойник;parent;;active;{'1' * 5};{'1' * 5};nobody;",
        f"x3;Двойник;parent;;active;{'1' * 5};{'1' * 5};;",
    ]
    path = school.write(school_roster(), encoding="cp1251", delimiter=";", extra=bad)
    assert path.read_bytes().decode("cp1251").count(";") > 0
    result = await school.cli("roster", "import", str(path))
    assert result.exit_code == 2
    for line in (
        "row 11: a student with no class",
        "row 12: unknown role 'директор'",
        "row 13: parent_of points at nobody: 'nobody'",
        "row 13: person_id 'x3' appears more than once",
        "row 14: person_id 'x3' appears more than once",
        "row 14: vk_user_id '11111' is already given in row 13",
        "row 14: max_user_id '11111' is already given in row 13",
    ):
        assert line in result.stderr
    assert await school.people() == 0

    good = school.write(school_roster(), encoding="cp1251", delimiter=";")
    await school.import_(good)
    assert await school.people() == len(NAMES)
    async with school.db.transaction() as session:
        names = {r.full_name for r in (await service.load_state(session)).people}
    assert names == set(NAMES.values())  # Cyrillic read back from Windows-1251
    export = school.write(departed(school_roster(), "s1"), encoding="cp1251", delimiter=";")
    result = await school.cli("roster", "sync", str(export), "--json", "--dry-run")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert [d["full_name"] for d in plan["departures"]] == [NAMES["s1"]]
    assert [(r["person_id"], r["platform_chat_id"]) for r in plan["removals"]] == [
        ("s1", school.chats[CLASS])
    ]
    assert await school.members(CLASS) == {"c1", "s1", "s2", "s3", "s4"}  # a dry run
    assert await school.removals() == []


# -- /выбыл (/depart) from a chat, the bot running in this process ------------------


async def _bot_school(bot: App, emulator: EmulatorServer, platform: str) -> dict[str, str]:
    """The same school on the bot's own database; returns roster id -> user id."""
    em = emulator.control
    users = {pid: await em.user(name) for pid, name in NAMES.items()}
    tags = {
        CLASS: ["c1", "a1", "s1", "s2", "s3", "s4"],
        PARENTS: ["c1", "p1", "p2", "t1"],
    }
    rows = []
    for pid, e in school_roster().items():
        vk, mx = (users[pid], None) if platform == "vk" else (None, users[pid])
        rows.append(RosterRow(pid, NAMES[pid], e.role, e.klass or None, e.status, vk, mx,
                              e.parent_of, e.chats))  # fmt: skip
    await service.import_rows(bot.db, rows)
    async with bot.db.transaction() as session:
        for tag in tags:
            chat_id = await em.chat(tag, [users["c1"]], admins=[users["c1"]])
            users[tag] = chat_id
            repo = Chats(session)
            await repo.set_tags(await repo.get_or_create(platform, chat_id, title=tag), [tag])
    # People join while the bot watches, so it knows who is in which chat.
    for tag, people in tags.items():
        for p in people[1:]:
            await em.join(users[tag], users[p], by=users["c1"])

    async def seen() -> bool:
        async with bot.db.transaction() as session:
            state = await service.load_state(session)
        return sum(len(m) for m in state.members.values()) == sum(len(p) - 1 for p in tags.values())

    await eventually(seen)
    return users


async def _bot_says(em: Emulator, chat: str, *fragments: str) -> dict[str, Any]:
    async def found() -> dict[str, Any]:
        for m in reversed(await em.bot_messages(chat)):
            if all(f in m["text"] for f in fragments):
                return dict(m)
        return {}

    return await eventually(found)


async def _members(em: Emulator, chat: str) -> set[str]:
    return {m["user_id"] for m in (await em.get_chat(chat))["members"]}


@pytest.mark.parametrize("actor", ["c1", "a1"])
async def test_depart_command_shows_the_plan_and_removes_on_confirm(
    bot: App, emulator: EmulatorServer, platform: str, actor: str
) -> None:
    em = emulator.control
    u = await _bot_school(bot, emulator, platform)
    await em.say(u[CLASS], u[actor], "/выбыл s1")
    plan = await _bot_says(em, u[CLASS], "Выбывают (1)", NAMES["s1"], "Будут исключены")
    assert NAMES["p1"] not in plan["text"]  # the parent stays: s2 is still in 7А
    assert plan["keyboard"], plan
    assert u["s1"] in await _members(em, u[CLASS])  # nothing happens before the press
    await em.press(u[actor], u[CLASS], plan["message_id"], payload_of(plan))
    done = await _bot_says(em, u[CLASS], "Выбытие Аня Морозова отмечено")
    assert "Исключено: 1, не удалось: 0" in done["text"], done["text"]

    async def gone() -> bool:
        return u["s1"] not in await _members(em, u[CLASS])

    await eventually(gone)
    assert u["p1"] in await _members(em, u[PARENTS])
    async with bot.db.transaction() as session:
        [record] = (await session.execute(select(AuditRecord))).scalars()
    assert (record.action, record.rule_code, record.actor_id) == (
        "departure_removal",
        "departure",
        u[actor],
    )


async def test_depart_command_refuses_a_student(
    bot: App, emulator: EmulatorServer, platform: str
) -> None:
    em = emulator.control
    u = await _bot_school(bot, emulator, platform)
    await em.say(u[CLASS], u["s2"], "/выбыл s1")
    await _bot_says(em, u[CLASS], "Отметить выбытие может только администратор")
    # The curator asks; a student presses her confirm button: refused as well.
    await em.say(u[CLASS], u["c1"], "/выбыл s1")
    plan = await _bot_says(em, u[CLASS], "Выбывают (1)")
    await em.press(u["s2"], u[CLASS], plan["message_id"], payload_of(plan))

    async def answered() -> bool:
        return any(
            "Отметить выбытие может только" in str(n["event_data"])
            for n in (await em.private(u["s2"]))["notifications"]
        )

    await eventually(answered)
    assert u["s1"] in await _members(em, u[CLASS])
    async with bot.db.transaction() as session:
        state = await service.load_state(session)
    assert all(p.active for p in state.people)


async def test_a_member_from_before_the_bot_watched_is_removed(school: School) -> None:
    """The bot saw the others join 7А but not s1, who was there before it watched: the
    plan asks the platform who is in the chat, so s1 is not forgotten."""
    await school.import_(school.write(school_roster()))
    async with school.db.transaction() as session:
        chat = await Chats(session).find(school.platform, school.chats[CLASS])
        assert chat is not None
        stmt = delete(Membership).where(
            Membership.chat_id == chat.id, Membership.user_id == school.users["s1"]
        )
        await session.execute(stmt)
        state = await service.load_state(session)
    assert school.users["s1"] not in state.members[chat.id]  # the bot's own records miss s1
    assert "s1" in await school.members(CLASS)
    plan, results = await school.sync(school.write(departed(school_roster(), "s1")))
    assert [(r["person_id"], r["platform_chat_id"]) for r in plan["removals"]] == [
        ("s1", school.chats[CLASS])
    ]  # not the parents' chat: the platform's list says s1 is not in it
    assert plan["unverified_chats"] == []
    assert [r["status"] for r in results] == ["done"]
    assert await school.members(CLASS) == {"c1", "s2", "s3", "s4"}
    assert [user for _, user in await school.removals()] == [school.users["s1"]]
