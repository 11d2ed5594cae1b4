"""Early unblock with the chat's consent, end to end on every platform (issue [5/11]).

Regulation point 6 as people would live it: the blocked person apologises privately,
the moderator opens a window, the chat may object, and the block is lifted early
only if nobody did. The fake clock moves; nobody sleeps. Every step is an audit row.
"""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.school import School

AUTO = {"consent": {"auto_open": True, "auto_unblock": True}}


def payload_at(message: dict[str, Any], index: int = 0) -> dict[str, Any]:
    button = [b for row in message["keyboard"]["buttons"] for b in row][index]
    payload = button.get("action", button).get("payload", {})
    return dict(json.loads(payload) if isinstance(payload, str) else payload)


async def press_private(s: School, user: str, message: dict[str, Any], index: int = 0) -> None:
    dialog = (await s.em.private(user))["chat_id"]
    await s.em.press(user, dialog, message["message_id"], payload_at(message, index))


async def told(s: School, user: str, fragment: str, times: int = 1) -> None:
    async def found() -> bool:
        notes = (await s.em.private(user))["notifications"]
        return sum(fragment in str(n["event_data"]) for n in notes) >= times

    await s.until(found)


async def block_and_apologize(s: School, rule: str = "оск") -> None:
    await s.em.say(s.chat, s.teacher, f"/блок {s.student} 3 {rule}")
    await s.bot_says("заблокирован(а) на 3 дн.")
    await s.em.write_bot(s.student, "/извиниться Простите меня, пожалуйста, я был неправ")


async def test_apology_window_no_objection_then_unblock(school: School) -> None:
    app = await school.start()
    s = school
    await s.em.say(s.chat, s.teacher, f"/блок {s.student} 3 оск")
    notice = await s.inbox_has(s.student, "Вы заблокированы", "Принести извинения")
    await press_private(s, s.student, notice)
    await s.inbox_has(s.student, "одним сообщением /извиниться")
    await s.em.write_bot(s.student, "/извиниться коротко")
    await s.inbox_has(s.student, "Извинение слишком короткое")
    await s.em.write_bot(s.student, "/извиниться Простите меня, пожалуйста, я был неправ")
    await s.inbox_has(s.student, "Извинение передано модераторам")
    relayed = await s.inbox_has(s.teacher, "просит о досрочной разблокировке", "я был неправ")
    await press_private(s, s.teacher, relayed, 0)  # "Открыть голосование"
    await s.bot_says("приносит извинения", "я был неправ", "нажмите «Возражаю»")
    await told(s, s.teacher, "Голосование открыто до")
    s.clock.advance(hours=24, seconds=1)
    timers = app.services.m.timers
    assert "window:1" in timers.pending()
    await timers.run_due()
    assert "window:1" not in timers.pending()
    await s.bot_says("Модератор может подтвердить досрочную разблокировку")
    confirm = await s.inbox_has(s.teacher, "закончилось без возражений", "Подтвердите")
    await press_private(s, s.teacher, confirm)
    await s.bot_says("снята досрочно: участники чата не возражали")
    [apology] = await s.audit("apology")
    [opened] = await s.audit("window_opened")
    [closed] = await s.audit("window_closed")
    [unblock] = await s.audit("unblock")
    assert len(await s.audit("apology_refused")) == 1
    [block] = await s.audit("block")
    link = f"case:{block.case_number}"
    assert apology.reason == link and apology.excerpt and "неправ" in apology.excerpt
    assert (opened.reason or "").startswith(link) and opened.actor_id == s.teacher
    assert (closed.reason or "").startswith(f"{link} window:1 passed await_moderator")
    assert unblock.reason == "consent" and unblock.actor_id == s.teacher


async def test_one_objection_keeps_the_block_and_strangers_are_ignored(school: School) -> None:
    await school.start(policy={"consent": {"auto_open": True}})
    s = school
    await block_and_apologize(s)
    window = await s.bot_says("нажмите «Возражаю»")
    newcomer = await s.em.user("Коля Новый")
    await s.em.join(s.chat, newcomer, by=s.teacher)
    await s.em.press(newcomer, s.chat, window["message_id"], payload_at(window))
    await told(s, newcomer, "только те, кто был в чате")
    await s.em.press(s.other, s.chat, window["message_id"], payload_at(window))
    await told(s, s.other, "Ваше возражение учтено")
    await s.em.press(s.other, s.chat, window["message_id"], payload_at(window))
    await told(s, s.other, "Вы уже возразили")
    await s.bot_says("Досрочной разблокировки не будет")
    await s.inbox_has(s.teacher, "участник возразил", "Кто возразил — в журнале")
    texts = "\n".join(await s.bot_texts())
    assert "Вася" not in texts  # the chat sees no names
    [objection] = await s.audit("objection")
    assert objection.actor_id == s.other and objection.target_user_id == s.student
    [closed] = await s.audit("window_closed")
    assert "objected block_stays" in (closed.reason or "")
    await s.em.say(s.chat, s.teacher, f"/разблок {s.student}")
    await s.bot_says("Досрочно разблокировать нельзя: участник чата возразил")
    assert not await s.audit("unblock")


async def test_restart_during_the_window_and_a_late_press(school: School) -> None:
    await school.start(policy=AUTO)
    s = school
    await block_and_apologize(s)
    window = await s.bot_says("нажмите «Возражаю»")
    await s.em.say(s.chat, s.teacher, f"/разблок {s.student}")
    await s.bot_says("идёт голосование участников, оно закончится")
    await s.stop()
    s.clock.advance(hours=12)
    app = await s.start(policy=AUTO)
    timers = app.services.m.timers
    assert timers.pending()["window:1"] > s.clock.now()
    await timers.run_due()
    assert "window:1" in timers.pending()
    s.clock.advance(hours=12, seconds=1)
    await timers.run_due()
    assert "window:1" not in timers.pending()
    await s.bot_says("снята досрочно: участники чата не возражали")
    await s.em.press(s.other, s.chat, window["message_id"], payload_at(window))
    await told(s, s.other, "Голосование завершено")
    [closed] = await s.audit("window_closed")
    assert "passed unblock" in (closed.reason or "")
    [unblock] = await s.audit("unblock")
    assert unblock.actor_kind == "system" and unblock.reason == "consent"
    assert not await s.audit("objection")
    assert len(await s.audit("denied")) == 1  # the early /разблок


async def test_no_early_unblock_rule_and_the_term_cap(school: School) -> None:
    await school.start(policy={"moderator_override": True, "early_release_cap_per_term": 1})
    s = school
    await block_and_apologize(s, rule="пд")
    await s.inbox_has(s.student, "досрочная разблокировка не предусмотрена")
    await s.inbox_has(s.student, "По правилу", "не предусмотрена: блокировка действует до")
    [refused] = await s.audit("apology_refused")
    assert "refusal.no_early_unblock" in (refused.reason or "")
    await s.em.say(s.chat, s.teacher, f"/разблок {s.student} ошибка")  # override: not for пд
    await s.bot_says("По правилу 4", "не предусмотрена")
    await s.em.say(s.chat, s.teacher, f"/блок {s.other} 3 флуд")
    await s.bot_says("заблокирован(а) на 3 дн., до")
    await s.em.say(s.chat, s.teacher, f"/разблок {s.other} разобрались")
    await s.bot_says("снята модератором досрочно")
    [override] = await s.audit("unblock")
    assert override.reason == "override: разобрались"
    await s.em.say(s.chat, s.teacher, f"/блок {s.other} 2 флуд")
    await s.bot_says("заблокирован(а) на 2 дн.")
    await s.em.write_bot(s.other, "/извиниться Извините, больше не буду флудить")
    await s.inbox_has(s.other, "Лимит досрочных разблокировок", "(1) исчерпан")
    refusals = [r.reason for r in await s.audit("apology_refused")]
    assert any("refusal.early_release_cap" in (r or "") for r in refusals)
    assert not await s.audit("apology")


async def test_my_status_shows_only_my_own_record(school: School) -> None:
    await school.start()
    s = school
    await s.em.say(s.chat, s.teacher, f"/пред {s.student} мат")
    await s.bot_says("Действующих предупреждений: 1.")
    await s.em.say(s.chat, s.teacher, f"/пред {s.other} флуд")
    await s.bot_says("Правило 5")
    await s.em.say(s.chat, s.teacher, f"/блок {s.student} 3 оск")
    await s.bot_says("заблокирован(а) на 3 дн.")
    await s.em.write_bot(s.student, "/мой_статус")
    mine = await s.inbox_has(s.student, "Ваш статус")
    assert "предупреждение №1" in mine["text"] and "блокировка по правилу 2" in mine["text"]
    assert "№2" not in mine["text"] and "/извиниться" in mine["text"]
    await s.em.write_bot(s.other, "/mystatus")
    theirs = await s.inbox_has(s.other, "Ваш статус")
    assert "предупреждение №2" in theirs["text"]
    assert "№1" not in theirs["text"] and "блокировка" not in theirs["text"]
    await s.em.write_bot(s.colleague, "/мой_статус")
    await s.inbox_has(s.colleague, "Действующих предупреждений и блокировок нет")
