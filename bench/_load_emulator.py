"""The VK emulator of bench/load.py, in a process of its own, with a `/bench/*` driver.

The load is generated here, in the emulator's own world, so "the event entered the
emulator" and "the bot's warning appeared there" are read from one clock
(`time.perf_counter` of this process) with sub-millisecond resolution; the world's
message `date` is whole seconds. Nothing in `adapters/emulator` is changed: the
bot's messages are observed by wrapping this world's `store`.

- `POST /bench/school {"chats", "students"}`: chats with one teacher (chat admin) and
  `students` students each, the bot an admin; no join events (the chats exist already).
- `POST /bench/post {"events", "violations"}`: that many messages at once, spread over
  the chats in turn; a share of them obscene (each student at most once per chat).
- `POST /bench/steady {"rate", "seconds", "violations"}`: starts posting at a steady
  rate; `GET /bench/status` says when it is done.
- `POST /bench/limit {"rps"}`: the per-token request limit from now on (null: none).
- `GET /bench/latency?label=`: per violation, its chat and author, the wall-clock times
  of its post and of the warning, and the milliseconds between (monotonic clock).
- `GET /bench/status`, `GET /bench/calls?since=`: progress; API methods called.

    python bench/_load_emulator.py --port P --token T [--rps N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.emulator import create_emulator_app
from adapters.emulator.hub import HUB, Emulator
from adapters.emulator.model import BOT, Chat, User
from adapters.emulator.ratelimit import SlidingWindow

OBSCENE = "да иди ты нахуй"
WARNING_MARK = "Нецензурная лексика"
PHRASES = (
    "Когда контрольная по алгебре?",
    "Спасибо, всё понятно",
    "Завтра экскурсия, не забудьте сменную обувь",
    "Домашнее задание на странице сорок два",
    "Кто знает, во сколько начинается собрание?",
    "Фотографии с праздника выложу вечером",
    "Напоминаю про субботник в пятницу",
    "Можно вопрос по литературе?",
)


@dataclass(frozen=True, slots=True)
class Posted:
    """A violation as posted: its label, when (monotonic and wall clock), where, by whom."""

    label: str
    perf: float
    wall: float
    chat: str
    user: str


@dataclass
class School:
    """The school as the driver posts into it: chats, teachers and students."""

    chats: list[Chat] = field(default_factory=list)
    people: list[list[int]] = field(default_factory=list)  # [teacher, *students]
    warned_students: list[int] = field(default_factory=list)  # violations so far, per chat
    cursor: int = 0


class Driver:
    """Posts as people, and times violations against the bot's warnings."""

    def __init__(self, hub: Emulator, seed: int = 20261123) -> None:
        self.hub = hub
        self.rng = random.Random(seed)
        self.school = School()
        self.posted_at: dict[tuple[int, int], Posted] = {}
        self.warned_at: dict[tuple[int, int], tuple[float, float]] = {}
        self.warnings = 0
        self.steady: dict[str, Any] = {}
        self._task: asyncio.Task[None] | None = None
        self._watch()

    def _watch(self) -> None:
        world = self.hub.world
        store = world.store

        def watched(conversation: Any, from_id: int, text: str, **extra: Any) -> Any:
            message = store(conversation, from_id, text, **extra)
            reply_to = extra.get("reply_to")
            if from_id == BOT and reply_to is not None and WARNING_MARK in text:
                stamp = (time.perf_counter(), time.time())
                self.warned_at.setdefault((conversation.id, reply_to), stamp)
                self.warnings += 1
            return message

        world.store = watched  # type: ignore[method-assign]

    def make_school(self, chats: int, students: int) -> None:
        world = self.hub.world
        next_user = max(world.users, default=100) + 1
        for c in range(chats):
            ids = list(range(next_user, next_user + 1 + students))
            next_user += len(ids)
            # Straight into the dict: `add_user` scans every user for the next id.
            world.users[ids[0]] = User(ids[0], "Учитель", str(c))
            for k, uid in enumerate(ids[1:]):
                world.users[uid] = User(uid, "Ученик", f"{c}-{k}")
            chat = world.add_chat(f"{c % 11 + 1}А", ids, [ids[0]], bot_is_admin=True)
            self.school.chats.append(chat)
            self.school.people.append(ids)
            self.school.warned_students.append(0)

    def post_one(self, violation_share: float, label: str) -> bool:
        """The next chat in turn gets one message; True if it was a violation."""
        s = self.school
        c = s.cursor % len(s.chats)
        s.cursor += 1
        chat, people = s.chats[c], s.people[c]
        students = len(people) - 1
        violation = self.rng.random() < violation_share and s.warned_students[c] < students
        if violation:
            author = people[1 + s.warned_students[c]]  # no one earns a second strike
            s.warned_students[c] += 1
            text = OBSCENE
        else:
            author = self.rng.choice(people)
            text = f"{self.rng.choice(PHRASES)} {s.cursor % 1000}"
        perf, wall = time.perf_counter(), time.time()  # as it enters the world
        message = self.hub.world.post(chat, author, text)
        if violation:
            front = self.hub.bot_front
            self.posted_at[(chat.id, message.id)] = Posted(
                label,
                perf,
                wall,
                front.conversation_ref(chat),
                front.user_ref(author),
            )
        return violation

    def post_many(self, events: int, violation_share: float, label: str) -> int:
        return sum(self.post_one(violation_share, label) for _ in range(events))

    def start_steady(self, rate: float, seconds: float, share: float, label: str) -> None:
        self.steady = {"label": label, "done": False, "posted": 0, "violations": 0}
        self._task = asyncio.create_task(self._steady(rate, seconds, share, label))

    async def _steady(self, rate: float, seconds: float, share: float, label: str) -> None:
        st = self.steady
        start = time.perf_counter()
        total = int(rate * seconds)
        while st["posted"] < total:
            due = min(total, int((time.perf_counter() - start) * rate) + 1)
            while st["posted"] < due:
                st["violations"] += self.post_one(share, label)
                st["posted"] += 1
            await asyncio.sleep(max(0.0, start + st["posted"] / rate - time.perf_counter()))
        st["seconds"] = time.perf_counter() - start
        st["done"] = True

    def latency(self, label: str) -> dict[str, Any]:
        """Each violation: chat, author, wall-clock post and warning, and the milliseconds
        between them on this process's monotonic clock (`time.perf_counter`)."""
        rows, missing = [], 0
        for key, posted in self.posted_at.items():
            if posted.label != label:
                continue
            warned = self.warned_at.get(key)
            if warned is None:
                missing += 1
                continue
            ms = round((warned[0] - posted.perf) * 1000, 3)
            rows.append([posted.chat, posted.user, posted.wall, warned[1], ms])
        return {"violations": sorted(rows, key=lambda r: r[-1]), "missing": missing}

    def warned(self, label: str) -> tuple[int, int]:
        mine = [k for k, p in self.posted_at.items() if p.label == label]
        return len(mine), sum(1 for k in mine if k in self.warned_at)


DRIVER = web.AppKey("bench_driver", Driver)
routes = web.RouteTableDef()


@routes.post("/bench/school")
async def school(request: web.Request) -> web.Response:
    body = await request.json()
    start = time.perf_counter()
    request.app[DRIVER].make_school(int(body["chats"]), int(body.get("students", 5)))
    return web.json_response({"seconds": round(time.perf_counter() - start, 2)})


@routes.post("/bench/post")
async def post(request: web.Request) -> web.Response:
    body, driver = await request.json(), request.app[DRIVER]
    start = time.perf_counter()
    violations = driver.post_many(int(body["events"]), float(body["violations"]), body["label"])
    seconds = round(time.perf_counter() - start, 3)
    return web.json_response({"violations": violations, "seconds": seconds})


@routes.post("/bench/steady")
async def steady(request: web.Request) -> web.Response:
    body, driver = await request.json(), request.app[DRIVER]
    rate, seconds = float(body["rate"]), float(body["seconds"])
    driver.start_steady(rate, seconds, float(body["violations"]), body["label"])
    return web.json_response({"ok": True})


@routes.post("/bench/limit")
async def limit(request: web.Request) -> web.Response:
    rps = (await request.json()).get("rps")
    front: Any = request.app[HUB].bot_front
    front.limiter = front.api.limiter = SlidingWindow(int(rps)) if rps else None
    return web.json_response({"rps": rps})


@routes.get("/bench/status")
async def status(request: web.Request) -> web.Response:
    hub, driver = request.app[HUB], request.app[DRIVER]
    label = request.query.get("label", "")
    violations, warned = driver.warned(label)
    answer = {
        "events": hub.world.events.head - 1,
        "warnings": driver.warnings,
        "violations": violations,
        "warned": warned,
        "steady": driver.steady,
        "api_requests": hub.calls.head,
    }
    if request.query.get("full"):  # scans the whole call log: not while timing
        calls = hub.calls.since(0)
        answer["rate_errors"] = sum(
            1 for c in calls if (c.get("error") or {}).get("error_code") == 6
        )
        answer["polling"] = any(c["method"] == "groups.getLongPollServer" for c in calls)
    return web.json_response(answer)


@routes.get("/bench/latency")
async def latency(request: web.Request) -> web.Response:
    return web.json_response(request.app[DRIVER].latency(request.query["label"]))


@routes.get("/bench/calls")
async def calls(request: web.Request) -> web.Response:
    """API methods the bot called since `since`, counted (execute's items included)."""
    counts: dict[str, int] = {}
    for call in request.app[HUB].calls.since(int(request.query.get("since", "0"))):
        counts[call["method"]] = counts.get(call["method"], 0) + 1
    return web.json_response({"head": request.app[HUB].calls.head, "methods": counts})


def build(token: str, rps: int | None) -> web.Application:
    app = create_emulator_app("vk", token=token, rps_limit=rps)
    app[DRIVER] = Driver(app[HUB])
    app.add_routes(routes)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--rps", type=int, default=0, help="per-token limit; 0: none")
    args = parser.parse_args()
    app = build(args.token, args.rps or None)
    web.run_app(
        app, host="127.0.0.1", port=args.port, access_log=None, print=None, shutdown_timeout=1.0
    )


if __name__ == "__main__":
    main()
