"""The demo school: people in the emulator and the same people in the roster.

`seed_world` creates users and chats in the emulator's world (in this process);
`seed_roster` writes the school, the roster, chat tags, curators and a recurring
announcement into the bot's database before the bot starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.emulator.hub import Emulator
from bot.announcements.schedule import parse_every
from bot.app import App
from bot.services.announcement_specs import NewAnnouncement
from storage.models import Person, School
from storage.repos import Chats, People

__all__ = ["ZONE", "DemoSchool", "seed_roster", "seed_world"]

ZONE = "Asia/Novosibirsk"

# person_id: (name, role, class)
PEOPLE: dict[str, tuple[str, str, str | None]] = {
    "a1": ("Елена Директорова", "administrator", None),
    "c5": ("Мария Иванова", "curator", "5А"),
    "c7": ("Анна Викторова", "curator", "7Б"),
    "t1": ("Ирина Математикова", "teacher", None),
    "t2": ("Олег Физиков", "teacher", None),
    "s51": ("Петя Сидоров", "student", "5А"),
    "s52": ("Аня Морозова", "student", "5А"),
    "s53": ("Вася Пупкин", "student", "5А"),
    "s54": ("Катя Лебедева", "student", "5А"),
    "s55": ("Дима Орлов", "student", "5А"),
    "s56": ("Оля Соколова", "student", "5А"),
    "s71": ("Миша Морозов", "student", "7Б"),
    "s72": ("Саша Кузнецов", "student", "7Б"),
    "s73": ("Лена Попова", "student", "7Б"),
    "s74": ("Гоша Волков", "student", "7Б"),
    "s75": ("Таня Зайцева", "student", "7Б"),
    "p51": ("Николай Сидоров", "parent", None),
    "pm": ("Светлана Морозова", "parent", None),  # siblings s52 and s71
    "pm2": ("Игорь Морозов", "parent", None),
    "p53": ("Галина Пупкина", "parent", None),
    "p54": ("Ольга Лебедева", "parent", None),
    "p55": ("Сергей Орлов", "parent", None),
    "p56": ("Юлия Соколова", "parent", None),
    "p72": ("Павел Кузнецов", "parent", None),
    "p73": ("Наталья Попова", "parent", None),
    "p74": ("Артём Волков", "parent", None),
    "p75": ("Марина Зайцева", "parent", None),
}
CHILDREN = {
    "p51": ["s51"], "pm": ["s52", "s71"], "pm2": ["s52", "s71"], "p53": ["s53"],
    "p54": ["s54"], "p55": ["s55"], "p56": ["s56"], "p72": ["s72"], "p73": ["s73"],
    "p74": ["s74"], "p75": ["s75"],
}  # fmt: skip
CURATOR = {"5А": "c5", "7Б": "c7"}
STAFF_CHAT = "учительская"


def _chat_people() -> dict[str, list[str]]:
    """Chat title -> members (the curator first: the owner)."""
    chats: dict[str, list[str]] = {}
    for klass, curator in CURATOR.items():
        students = [p for p, (_, role, k) in PEOPLE.items() if role == "student" and k == klass]
        parents = [p for p, kids in CHILDREN.items() if set(kids) & set(students)]
        chats[klass] = [curator, "a1", "t1", *students]
        chats[f"{klass}-родители"] = [curator, "a1", *parents]
    chats[STAFF_CHAT] = ["a1", "c5", "c7", "t1", "t2"]
    return chats


@dataclass
class DemoSchool:
    """Ids as the bot sees them: `users[person_id]`, `chats[title]`, `names[user_id]`."""

    platform: str
    users: dict[str, str] = field(default_factory=dict)
    chats: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)


def seed_world(hub: Emulator) -> DemoSchool:
    world, front = hub.world, hub.bot_front
    school = DemoSchool(hub.platform)
    raw: dict[str, int] = {}
    for pid, (name, _, _) in PEOPLE.items():
        user = world.add_user(name)
        raw[pid] = user.id
        school.users[pid] = front.user_ref(user.id)
        school.names[school.users[pid]] = name
    for title, people in _chat_people().items():
        admins = [raw[people[0]], raw["a1"]]
        chat = world.add_chat(title, [raw[p] for p in people], admins, owner_id=raw[people[0]])
        school.chats[title] = front.conversation_ref(chat)
        school.members[title] = people
    return school


async def seed_roster(app: App, school: DemoSchool) -> None:
    column = "vk_user_id" if school.platform == "vk" else "max_user_id"
    async with app.db.transaction() as session:
        row = School(name="Школа №1 (демо)", time_zone=ZONE)
        session.add(row)
        await session.flush()
        people = People(session)
        for pid, (name, role, klass) in PEOPLE.items():
            person = Person(
                person_id=pid, school_id=row.id, full_name=name, role=role,
                class_name=klass, status="active",
            )  # fmt: skip
            setattr(person, column, school.users[pid])
            await people.save(person)
        for parent, kids in CHILDREN.items():
            for kid in kids:
                await people.link_family(parent, kid)
        chats = Chats(session)
        for title, chat_ref in school.chats.items():
            chat = await chats.get_or_create(school.platform, chat_ref, title=title)
            chat.school_id = row.id
            await chats.set_tags(chat, [title])
            klass = title.removesuffix("-родители")
            if klass in CURATOR:
                await chats.add_curator(chat.id, CURATOR[klass])
    assert app.extras is not None
    service = app.extras.announcements.service
    await service.create(
        NewAnnouncement(
            text="Доброе утро! Напоминаем: расписание на неделю — в электронном дневнике.",
            targets=("*-родители",),
            schedule=parse_every("mon 08:00"),
            time_zone=ZONE,
            author=school.users["a1"],
            school_id=row.id,
        )
    )
