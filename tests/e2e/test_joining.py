"""Joining a chat end to end (regulation points 2 and 3), on every platform.

A newcomer gets the rules with an "Ознакомлен(а)" button; pressing it records the
acknowledgement. With `hold_newcomers` their messages are deleted, with a private
note, until they press it. The bot adds nobody on its own.
"""

from __future__ import annotations

from tests.e2e.school import School, payload_of


async def test_newcomer_gets_rules_and_acknowledges(school: School) -> None:
    await school.start()
    em, s = school.em, school
    newcomer = await em.user("Коля Новый")
    await em.join(s.chat, newcomer, by=s.teacher)
    welcome = await s.bot_says("добро пожаловать", "Правила чата:", "Нецензурная лексика")
    assert "Ознакомлен(а)" in str(welcome["keyboard"])
    said = await em.say(s.chat, newcomer, "всем привет")  # not held by default
    await em.press(newcomer, s.chat, welcome["message_id"], payload_of(welcome))
    [ack] = await s.until(lambda: s.audit("rules_ack"))
    assert ack.target_user_id == newcomer and ack.case_number == 1
    await em.press(newcomer, s.chat, welcome["message_id"], payload_of(welcome))
    await s.until(lambda: _notified_twice(s, newcomer))
    assert len(await s.audit("rules_ack")) == 1  # once per stay
    assert not await s.deleted(said)
    calls = [c["method"] for c in await em.calls()]
    assert not any("addChatUser" in m for m in calls)  # point 2: the bot adds nobody


async def _notified_twice(s: School, user: str) -> bool:
    notes = (await s.em.private(user))["notifications"]
    return len(notes) >= 2


async def test_held_newcomer_writes_after_acknowledging(school: School) -> None:
    await school.start(policy={"hold_newcomers": True})
    em, s = school.em, school
    newcomer = await em.user("Коля Новый")
    await em.join(s.chat, newcomer, by=s.teacher)
    welcome = await s.bot_says("добро пожаловать")
    early = await em.say(s.chat, newcomer, "можно спросить?")
    await s.until(lambda: s.deleted(early))
    await s.inbox_has(newcomer, "сначала ознакомьтесь с правилами")
    await em.press(newcomer, s.chat, welcome["message_id"], payload_of(welcome))
    await s.until(lambda: s.audit("rules_ack"))
    later = await em.say(s.chat, newcomer, "теперь можно?")
    await em.say(s.chat, s.teacher, "/правила 3")
    await s.bot_says("Правило 3")
    assert not await s.deleted(later)
