"""Timed blocks end to end: mute, remove, re-join, early unblock, restart, replay.

Regulation point 5 through the emulator on every platform: the end of a block is
stored, survives a restart (the fake clock moves, nobody sleeps) and a person who
leaves and comes back is still blocked. A replayed event never blocks twice.
"""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.base import Event, EventKind
from storage.models import Block, Strike
from tests.e2e.school import School


async def test_muted_messages_deleted_and_block_survives_rejoin(school: School) -> None:
    await school.start()
    em, s = school.em, school
    await em.say(s.chat, s.teacher, f"/блок {s.student} 3 оск")
    await s.bot_says("заблокирован(а) на 3 дн.", "сообщения будут удаляться", "Дело №1")
    first = await em.say(s.chat, s.student, "не буду молчать")
    await s.until(lambda: s.deleted(first))
    await em.leave(s.chat, s.student)
    await em.join(s.chat, s.student, by=s.other)
    await s.bot_says("вернулся(ась) в чат, но блокировка действует")
    again = await em.say(s.chat, s.student, "я снова тут")
    await s.until(lambda: s.deleted(again))
    fine = await em.say(s.chat, s.other, "а я просто пишу")
    await em.say(s.chat, s.teacher, "/разблок " + s.student)  # early: needs consent (point 6)
    await s.bot_says("Досрочно разблокировать можно только после извинения")
    assert not await s.deleted(fine)


async def test_remove_mode_kicks_again_on_rejoin_and_readds_at_the_end(school: School) -> None:
    await school.start(policy={"block_mode": "remove", "moderator_override": True})
    em, s = school.em, school
    await em.say(s.chat, s.teacher, f"/блок {s.student} 2 закон")
    await s.bot_says("исключен(а) из чата на 2 дн.")
    await s.until(lambda: _absent(s, s.student))
    await em.join(s.chat, s.student, by=s.other)
    await s.bot_says("снова исключен(а) из чата")
    await s.until(lambda: _absent(s, s.student))
    await em.say(s.chat, s.teacher, f"/разблок {s.student} извинился")  # override allowed
    await s.bot_says("снята модератором досрочно")
    if school.platform == "max":  # MAX can put a member back
        await s.until(lambda: _present(s, s.student))
    else:  # VK cannot: the person gets an invite link privately
        await s.inbox_has(s.student, "Вернуться в чат можно по ссылке")
    assert len(await s.audit("remove")) == 1 and len(await s.audit("unblock")) == 1


async def _absent(s: School, user: str) -> bool:
    return user not in await s.members()


async def _present(s: School, user: str) -> bool:
    return user in await s.members()


async def test_restart_after_the_block_ended_unblocks_at_once(school: School) -> None:
    await school.start()
    em, s = school.em, school
    await em.say(s.chat, s.teacher, f"/блок {s.student} 1 флуд")
    await s.bot_says("заблокирован(а) на 1 дн.")
    await s.stop()
    school.clock.advance(days=1, minutes=1)  # the block ended while the bot was down
    await s.start()
    await s.bot_says("Срок блокировки", "истёк, ограничения сняты")
    said = await em.say(s.chat, s.student, "спасибо")
    await s.bot_says("Срок блокировки")
    [unblock] = await s.audit("unblock")
    assert unblock.actor_kind == "system" and unblock.reason == "expired"
    await em.say(s.chat, s.teacher, "/правила 1")  # a later message proves `said` stayed
    await s.bot_says("Правило 1")
    assert not await s.deleted(said)


async def test_restart_in_the_middle_of_a_block_ends_it_on_time(school: School) -> None:
    await school.start()
    em, s = school.em, school
    await em.say(s.chat, s.teacher, f"/блок {s.student} 2 флуд")
    await s.bot_says("заблокирован(а) на 2 дн.")
    await s.stop()
    school.clock.advance(days=1)
    app = await s.start()
    muted = await em.say(s.chat, s.student, "ещё заблокирован?")
    await s.until(lambda: s.deleted(muted))  # the mute map was rebuilt from the database
    timers = app.services.m.timers
    assert [n for n in timers.pending() if n.startswith("block:")] == ["block:1"]
    await timers.run_due()
    assert "block:1" in timers.pending()  # not yet
    school.clock.advance(days=1, seconds=1)
    await timers.run_due()
    assert "block:1" not in timers.pending()
    await s.bot_says("истёк, ограничения сняты")
    free = await em.say(s.chat, s.student, "свобода")
    await em.say(s.chat, s.teacher, "/правила 2")
    await s.bot_says("Правило 2")
    assert not await s.deleted(free)


async def test_a_replayed_event_does_not_warn_or_block_twice(school: School) -> None:
    app = await school.start()
    s = school
    for n, text in enumerate([f"/пред {s.student} мат", f"/блок {s.student} 3 мат"]):
        message_id = await s.em.say(s.chat, s.colleague, "обычное сообщение")
        event = Event(
            platform=s.platform,
            kind=EventKind.MESSAGE,
            chat_id=s.chat,
            user_id=s.teacher,
            message_id=message_id,
            text=text,
            event_id=f"replayed-{n}",
        )
        await app.intake.handle(event)
        await app.state.forget("seen:" + event.key)  # as after a crash with the state lost
        await app.intake.handle(event)
    await s.bot_says("заблокирован(а) на 3 дн.")
    async with app.db.transaction() as session:
        strikes = (await session.execute(select(func.count()).select_from(Strike))).scalar_one()
        blocks = (await session.execute(select(func.count()).select_from(Block))).scalar_one()
    assert (strikes, blocks) == (1, 1)
    texts = await s.bot_texts()
    assert sum("напоминаем правила" in t for t in texts) == 1
    assert sum("заблокирован(а)" in t for t in texts) == 1
