"""`etiket demo --script`: a guided scenario in 5А, each step checked.

Everything people do goes through the control API; time is a `FakeClock` that the
script advances, then it runs the bot's due timers (the objection window's end and
the Monday announcement), so nothing waits for real.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import FakeClock
from bot.demo.control import Control, DemoStepFailed, button_payload, eventually
from bot.demo.seed import ZONE
from bot.demo.server import Demo

__all__ = ["Scenario", "StepResult", "past_cases"]

OBSCENE = "да иди ты нахуй"
APOLOGY = "/извиниться Простите меня, пожалуйста, я был неправ"


@dataclass
class StepResult:
    title: str
    ok: bool
    outcome: str


async def past_cases(demo: Demo, em: Control) -> None:
    """A few cases in 7Б so the dashboard's log and charts are not empty."""
    assert demo.school is not None
    u, chat = demo.school.users, demo.school.chats["7Б"]
    await em.say(chat, u["c7"], f"/пред {u['s73']} флуд")
    await em.bot_says(chat, "Действующих предупреждений: 1")
    await em.say(chat, u["s74"], "блять, опять контрольная")
    await em.bot_says(chat, "Нецензурная лексика")
    await em.say(chat, u["c7"], f"/пред {u['s72']} оск грубил однокласснику")
    await em.bot_says(chat, "Оскорбление")


class Scenario:
    def __init__(self, demo: Demo, em: Control) -> None:
        assert demo.school is not None and demo.app is not None
        self.demo, self.em = demo, em
        self.u = demo.school.users
        self.chat = demo.school.chats["5А"]
        self.student, self.curator = self.u["s51"], self.u["c5"]

    def steps(self) -> list[tuple[str, Callable[[], Awaitable[str]]]]:
        return [
            ("Петя пишет мат в 5А / a violation", self.violation),
            ("Ещё три предупреждения / three more strikes", self.strikes),
            ("Куратор нажимает «Заблокировать» / the curator blocks", self.block),
            ("Петя извиняется / an apology", self.apology),
            ("Окно возражений истекло / the window passes", self.window),
            ("Выбытие ученицы / a departure", self.departure),
            ("Понедельник, 08:00 / the announcement", self.announcement),
        ]

    async def run(self, echo: Callable[[str], None] = print) -> list[StepResult]:
        results = []
        for n, (title, step) in enumerate(self.steps(), 1):
            try:
                outcome, ok = await step(), True
            except DemoStepFailed as exc:
                outcome, ok = f"FAILED: {exc}", False
            results.append(StepResult(title, ok, outcome))
            echo(f"[{n}] {title}\n    {'OK ' if ok else '!! '}{outcome}")
            if not ok:
                break
        return results

    async def _private_press(self, user: str, message: dict[str, object], label: str) -> None:
        dialog = str((await self.em.private(user))["chat_id"])
        await self.em.press(
            user, dialog, str(message["message_id"]), button_payload(message, label)
        )

    async def violation(self) -> str:
        await self.em.say(self.chat, self.student, OBSCENE)
        warned = await self.em.bot_says(self.chat, "Нецензурная лексика", "предупреждений: 1")
        await self.em.inbox_has(self.curator, "автоматическое предупреждение")
        return f"бот предупредил в чате: {_first_line(warned)}; куратору — уведомление"

    async def strikes(self) -> str:
        for n in (2, 3, 4):
            await self.em.say(self.chat, self.curator, f"/пред {self.student} оск")
            await self.em.bot_says(self.chat, f"Действующих предупреждений: {n}.")
        said = await self.em.bot_says(self.chat, "модератору предложена блокировка")
        await self.em.inbox_has(self.curator, "Можно заблокировать")
        return f"4-е предупреждение: {_first_line(said)}"

    async def block(self) -> str:
        proposal = await self.em.inbox_has(self.curator, "Можно заблокировать")
        dialog = str((await self.em.private(self.curator))["chat_id"])
        payload = button_payload(proposal)
        await self.em.press(self.curator, dialog, str(proposal["message_id"]), payload)
        blocked = await self.em.bot_says(self.chat, "заблокирован(а) на")
        muted = await self.em.say(self.chat, self.student, "а я всё равно пишу")

        async def deleted() -> bool:
            messages = (await self.em.chat(self.chat))["messages"]
            return any(m["message_id"] == muted and m["deleted"] for m in messages)

        await eventually(deleted, what="a blocked person's message is deleted")
        return f"{_first_line(blocked)}; новые сообщения Пети удаляются"

    async def apology(self) -> str:
        await self.em.write_bot(self.student, APOLOGY)
        window = await self.em.bot_says(self.chat, "приносит извинения", "Возражаю")
        return f"в чате открыто голосование: {_first_line(window)}"

    async def window(self) -> str:
        app, clock = self.demo.app, self.demo.clock
        if not isinstance(clock, FakeClock) or app is None:
            raise DemoStepFailed("the scenario needs the demo's fake clock")
        clock.advance(hours=24, seconds=1)
        await app.services.m.timers.run_due()
        said = await self.em.bot_says(self.chat, "снята досрочно")
        return f"часы +24 ч; {_first_line(said)}"

    async def departure(self) -> str:
        gone = self.u["s56"]
        await self.em.say(self.chat, self.u["a1"], "/выбыл s56")
        plan = await self.em.bot_says(self.chat, "Выбывают (1)")
        await self.em.press(self.u["a1"], self.chat, str(plan["message_id"]), button_payload(plan))
        done = await self.em.bot_says(self.chat, "Выбытие", "отмечено")

        async def removed() -> bool:
            return gone not in await self.em.members(self.chat)

        await eventually(removed, what="the departed student leaves 5А")
        return f"{_first_line(done)}; Оля исключена из 5А"

    async def announcement(self) -> str:
        app, clock = self.demo.app, self.demo.clock
        assert app is not None and isinstance(clock, FakeClock)
        chats = self.demo.school.chats if self.demo.school else {}
        before = {t: len((await self.em.chat(chats[t]))["messages"]) for t in chats}
        for _ in range(8 * 24):  # an hour at a time: every timer fires in its turn
            clock.advance(timedelta(hours=1))
            await app.services.m.timers.run_due()
            try:
                said = await self.em.bot_says(
                    chats["5А-родители"], "Доброе утро", after=before["5А-родители"], within=0
                )
                break
            except DemoStepFailed:
                continue
        else:
            raise DemoStepFailed("no announcement within a week")
        await self.em.bot_says(chats["7Б-родители"], "Доброе утро", after=before["7Б-родители"])
        class_chat = (await self.em.chat(chats["5А"]))["messages"][before["5А"] :]
        if any("Доброе утро" in m["text"] for m in class_chat):
            raise DemoStepFailed("the parents' announcement reached a class chat")
        local = clock.now().astimezone(_zone()).strftime("%a %H:%M")
        return f"{local} (Новосибирск): объявление в обоих родительских чатах: {said['text'][:40]}…"


def _first_line(message: dict[str, object]) -> str:
    return str(message.get("text", "")).splitlines()[0][:100]


def _zone() -> ZoneInfo:
    return ZoneInfo(ZONE)
