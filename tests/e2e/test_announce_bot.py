"""Announcements inside the running bot, on both emulators (issue [8/11]).

The bot runs in this process on a `FakeClock` (tests/e2e/school.py). Nothing calls
the announcement service's `run_due` here: the test only moves the clock and fires
the bot's due timers (`timers.run_due()`), as the scheduler would at that moment.
An announcement written by `etiket announce add` (another process) is picked up by
the bot's once-a-minute look at the database.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from bot.app import App
from bot.cli import cli
from storage.repos import Chats
from tests.e2e.school import School, payload_of

MOSCOW = ZoneInfo("Europe/Moscow")  # the default `timezone` setting


def tomorrow_noon(school: School) -> tuple[str, datetime]:
    """School-local text for tomorrow 12:00 (outside quiet hours) and its UTC instant."""
    day = (school.clock.now().astimezone(MOSCOW) + timedelta(days=1)).date()
    local = datetime(day.year, day.month, day.day, 12, 0, tzinfo=MOSCOW)
    return f"{day:%Y-%m-%d} 12:00", local.astimezone(ZoneInfo("UTC"))


async def tagged_chat(app: App, school: School, title: str, tag: str, *people: str) -> str:
    """A chat the bot is in, with a tag, as `etiket chat tag` would leave it."""
    chat_id = school.chat if not people else await school.em.chat(title, list(people))
    async with app.db.transaction() as session:
        repo = Chats(session)
        await repo.set_tags(await repo.get_or_create(school.platform, chat_id, title=title), [tag])
    return chat_id


async def texts_in(school: School, chat_id: str) -> list[str]:
    return [m["text"] for m in await school.em.bot_messages(chat_id)]


async def fire_at(app: App, school: School, moment: datetime) -> None:
    """Move the clock to `moment` and fire what the scheduler would fire then."""
    school.clock.set(moment)
    await app.services.m.timers.run_due()


async def test_the_bot_delivers_an_announcement_added_from_the_cli(
    school: School, platform: str
) -> None:
    app = await school.start()
    parents = await tagged_chat(app, school, "5А-родители", "5А-родители", school.other)
    when, at = tomorrow_noon(school)
    env = {
        "ETIKET_PLATFORM": platform,
        "ETIKET_DATABASE_URL": app.settings.database_url.replace("+aiosqlite", ""),
    }
    args = ["announce", "add", "--to", "*-родители", "--at", when, "--text", "Собрание завтра"]
    result = await asyncio.to_thread(
        CliRunner().invoke, cli, [*args, "--author", school.teacher], env=env
    )
    assert result.exit_code == 0, result.output
    assert await texts_in(school, parents) == []
    await fire_at(app, school, at - timedelta(minutes=1))  # the minute's look: not yet due
    assert "announce:next" in app.services.m.timers.pending()
    await fire_at(app, school, at + timedelta(seconds=30))

    async def delivered() -> bool:
        return await texts_in(school, parents) == ["Собрание завтра"]

    await school.until(delivered)

    async def reported() -> bool:  # the report goes once every delivery is settled
        await fire_at(app, school, school.clock.now() + timedelta(minutes=1))
        inbox = (await school.em.private(school.teacher))["messages"]
        return any("доставлено в 1, не доставлено в 0" in m["text"] for m in inbox)

    await school.until(reported)
    assert await texts_in(school, school.chat) == []  # the staff chat is not a target


async def test_the_announce_command_asks_and_schedules_on_confirm(school: School) -> None:
    app = await school.start()
    await tagged_chat(app, school, "Учительская", "учительская")
    parents = await tagged_chat(app, school, "5А-родители", "5А-родители", school.other)
    when, at = tomorrow_noon(school)
    command = f"/объявление *-родители; {when}; Собрание в пятницу"
    await school.em.say(school.chat, school.student, command)
    await school.bot_says("Объявления создают администраторы школы")
    await school.em.say(school.chat, school.teacher, "/объявление")
    await school.bot_says("Формат: /объявление цели; когда; текст")
    await school.em.say(school.chat, school.teacher, command)
    ask: dict[str, Any] = await school.bot_says("Получат (1): 5А-родители", when)
    assert "Собрание в пятницу" in ask["text"] and ask["keyboard"], ask
    await fire_at(app, school, at - timedelta(hours=1))
    assert await texts_in(school, parents) == []  # nothing is sent before it is due
    await school.em.press(school.teacher, school.chat, ask["message_id"], payload_of(ask))
    await school.bot_says("запланировано")
    await fire_at(app, school, at + timedelta(seconds=30))

    async def delivered() -> bool:
        return await texts_in(school, parents) == ["Собрание в пятницу"]

    await school.until(delivered)
    await school.em.press(school.teacher, school.chat, ask["message_id"], payload_of(ask))
    await school.until(lambda: _notified(school, "уже подтверждено"))


async def _notified(school: School, fragment: str) -> bool:
    """A button answer (a notification for the presser only) containing `fragment`."""
    notes = (await school.em.private(school.teacher))["notifications"]
    return any(fragment in str(n.get("event_data")) for n in notes)


async def test_the_bot_pins_an_announcement_where_it_may(school: School, platform: str) -> None:
    app = await school.start()
    pinned = await tagged_chat(app, school, "5А-родители", "5А-родители", school.other)
    plain = await school.em.chat("5Б-родители", [school.other], bot_is_admin=False)
    async with app.db.transaction() as session:  # a chat where the bot is no admin
        repo = Chats(session)
        chat = await repo.get_or_create(school.platform, plain, title="5Б-родители")
        await repo.set_tags(chat, ["5Б-родители"])
    when, at = tomorrow_noon(school)
    env = {
        "ETIKET_PLATFORM": platform,
        "ETIKET_DATABASE_URL": app.settings.database_url.replace("+aiosqlite", ""),
    }
    args = ["announce", "add", "--to", "*-родители", "--at", when, "--text", "Собрание", "--pin"]
    result = await asyncio.to_thread(
        CliRunner().invoke, cli, [*args, "--author", school.teacher], env=env
    )
    assert result.exit_code == 0, result.output
    await fire_at(app, school, at + timedelta(seconds=30))

    async def pinned_there() -> bool:
        chat = await school.em.get_chat(pinned)
        sent = [m["message_id"] for m in chat["messages"] if m["from_bot"]]
        return chat["pinned_message_id"] is not None and [chat["pinned_message_id"]] == sent

    async def sent_unpinned() -> bool:  # where the bot is no admin
        chat = await school.em.get_chat(plain)
        texts = [m["text"] for m in chat["messages"] if m["from_bot"]]
        return texts == ["Собрание"] and chat["pinned_message_id"] is None

    await school.until(pinned_there)
    await school.until(sent_unpinned)

    async def reported() -> str:
        await fire_at(app, school, school.clock.now() + timedelta(minutes=1))
        inbox = (await school.em.private(school.teacher))["messages"]
        return next((m["text"] for m in inbox if "доставлено в 2" in m["text"]), "")

    report = await school.until(reported)
    assert "5Б-родители: доставлено, но не закреплено: NotAdmin" in report
