"""The moderator commands end to end, on every platform the `platform` fixture lists.

Regulation points 4 (a warning quotes the rule), 5 (strikes and blocks) and 7 (every
sanction cites a rule) through the emulator, as a teacher and students would act.
"""

from __future__ import annotations

from tests.e2e.school import School, payload_of


async def test_warning_quotes_the_rule_and_counts(school: School) -> None:
    await school.start()
    em, s = school.em, school
    await em.say(s.chat, s.teacher, f"/пред {s.student} мат хватит ругаться")
    warned = await s.bot_says("Правило 1 «Нецензурная лексика»", "Действующих предупреждений: 1")
    assert "Дело №1" in warned["text"] and "осталось предупреждений: 3" in warned["text"]
    await em.say(s.chat, s.teacher, f"/warns {s.student}")
    await s.bot_says("Действующие предупреждения", "№1", "obscene")
    await em.say(s.chat, s.teacher, "/дело 1")
    case = await s.bot_says("Дело №1 от", "предупреждение")
    assert "Правило: 1 «Нецензурная лексика» (редакция 2026-09)" in case["text"]
    assert "хватит ругаться" in case["text"]
    await em.say(s.chat, s.teacher, "/снять 1 ошибся")
    await s.bot_says("Предупреждение по делу №1 снято")
    await em.say(s.chat, s.teacher, f"/преды {s.student}")
    await s.bot_says("— 0.", "Действующих предупреждений нет.")
    [void] = await s.audit("void")
    [warn] = await s.audit("warn")
    assert void.corrects_id == warn.id and warn.rule_code == "obscene"


async def test_rules_usage_and_no_traceback(school: School) -> None:
    await school.start()
    em, s = school.em, school
    await em.say(s.chat, s.student, "/правила")
    await s.bot_says("Правила чата:", "1. Нецензурная лексика", "7.")
    await em.say(s.chat, s.student, "/rules пд")
    await s.bot_says("Правило 4 «Персональные данные»")
    await em.say(s.chat, s.teacher, f"/пред {s.student}")  # no rule code: refused (point 7)
    await s.bot_says("Не указан код правила", "Использование: /пред")
    await em.say(s.chat, s.teacher, f"/блок {s.student} много мат")
    await s.bot_says("Срок блокировки — целое число дней", "Использование: /блок")
    await em.say(s.chat, s.teacher, f"/пред {s.student} ересь")
    await s.bot_says("Правила с кодом «ересь» нет")
    await em.say(s.chat, s.teacher, "/дело abc")
    await s.bot_says("Номер дела — число")
    await em.say(s.chat, s.teacher, "/удалить мат")
    await s.bot_says("ответом на сообщение")
    await em.say(s.chat, s.teacher, "/дело 99")
    await s.bot_says("Дело №99 в этом чате не найдено")
    await em.say(s.chat, s.teacher, "/пред " + "\u200b" * 5000 + "x" * 100_000)
    await s.bot_says("Не удалось понять, о ком речь")
    texts = await s.bot_texts()
    assert not any("Traceback" in t or "Error" in t for t in texts)
    assert not await s.audit("warn")


async def test_an_unknown_command_is_named_to_a_moderator_only(school: School) -> None:
    await school.start()
    em, s = school.em, school
    await em.say(s.chat, s.student, "/абракадабра")  # a student's: no answer in the chat
    await em.say(s.chat, s.student, "/start@otherbot")
    await em.say(s.chat, s.teacher, "/прд@somebot")  # with a mention: maybe another bot's
    await em.say(s.chat, s.teacher, "/прд Петя мат")
    answer = await s.bot_says("Неизвестная команда /прд", "/помощь")
    unknown = [t for t in await s.bot_texts() if "Неизвестная команда" in t]
    assert unknown == [answer["text"]]  # the others came first and got none
    assert not await s.audit("warn")
    # In a private dialog anyone is told, students too.
    await em.write_bot(s.student, "/статус")
    await s.inbox_has(s.student, "Неизвестная команда /статус", "/помощь")


async def test_student_cannot_warn_and_nobody_sanctions_a_moderator(school: School) -> None:
    await school.start()
    em, s = school.em, school
    await em.say(s.chat, s.student, f"/пред {s.other} мат")
    await s.bot_says("только модераторам")
    await em.say(s.chat, s.teacher, f"/пред {s.colleague} мат")
    await s.bot_says("Нельзя применять меры к другому модератору")
    await em.say(s.chat, s.colleague, f"/блок {s.teacher} 3 мат")
    await s.bot_says("Нельзя применять меры к владельцу чата")
    denied = await s.until(lambda: _len_at_least(s.audit("denied"), 3))
    assert [d.reason for d in denied] == [
        "refusal.not_moderator",
        "refusal.target_is_moderator",
        "refusal.target_is_owner",
    ]
    assert denied[0].actor_id == s.student and not await s.audit("warn")


async def _len_at_least(rows: object, n: int) -> object:
    found = await rows  # type: ignore[misc]
    return found if len(found) >= n else None


async def test_block_too_long_refused_and_delete_and_remove(school: School) -> None:
    await school.start()
    em, s = school.em, school
    await em.say(s.chat, s.teacher, f"/блок {s.student} 31 оск")
    await s.bot_says("Блокировка на 31 дн. невозможна", "не больше 30 дн.")
    rude = await em.say(s.chat, s.student, "ну и дурак")
    await em.say(s.chat, s.teacher, "/удалить оск", reply_to=rude)
    await s.bot_says("Сообщение удалено по правилу 2 «Оскорбление участников»")
    await s.until(lambda: s.deleted(rude))
    await em.say(s.chat, s.teacher, f"/исключить {s.other} аккаунт")
    await s.bot_says("исключен(а) из чата по правилу 7")
    await s.until(lambda: _not_in(s, s.other))
    assert [r.rule_code for r in await s.audit("remove")] == ["account_sharing"]
    assert not await s.audit("block")


async def _not_in(s: School, user: str) -> bool:
    return user not in await s.members()


async def test_fourth_strike_proposes_a_block_to_the_moderator(school: School) -> None:
    await school.start()
    em, s = school.em, school
    for n in range(1, 5):
        await em.say(s.chat, s.teacher, f"/пред {s.student} флуд")
        await s.bot_says(f"Действующих предупреждений: {n}.")
    await s.bot_says("модератору предложена блокировка на 1 дн.")
    proposal = await s.inbox_has(s.teacher, "Можно заблокировать на 1 дн.")
    dialog = (await em.private(s.teacher))["chat_id"]
    await em.press(s.teacher, dialog, proposal["message_id"], payload_of(proposal))
    await s.bot_says("заблокирован(а) на 1 дн.", "по правилу 5 «Флуд")
    said = await em.say(s.chat, s.student, "а я всё равно пишу")
    await s.until(lambda: s.deleted(said))
    [block] = await s.audit("block")
    assert block.actor_id == s.teacher and block.rule_code == "flood"


async def test_fourth_strike_in_auto_mode_blocks(school: School) -> None:
    await school.start(policy={"on_threshold": "auto"})
    em, s = school.em, school
    for _ in range(4):
        await em.say(s.chat, s.teacher, f"/пред {s.student} оск")
    await s.bot_says("Действующих предупреждений: 4.", "участник блокируется на 7 дн.")
    await s.bot_says("заблокирован(а) на 7 дн.")
    [block] = await s.audit("block")
    assert block.actor_kind == "system" and block.rule_code == "insult"
