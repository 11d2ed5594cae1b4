"""A roster sync of 3,000 people across 150 chats on the VK emulator (issue [7/11]).

Regulation point 8 at the size of a large school: 75 classes, each with a class chat
(20 students and the curator) and a parents' chat (19 parents, one of them with two
children in the class, and the curator). The emulator runs in this process on a free
port with VK's real per-token limit (at most 20 requests in any second, error 6 past
it); the chats (owned by the school's own account, which is not in the roster) and
their members are set up through the control API, and the bot's database (SQLite in
a temporary directory) knows the tags and the members.

The sync: a new export in which, per class, the first of the two siblings and one
only child depart, and every 15th curator leaves the school. Timed from reading the
file to the last removal settled: parse, validate, plan, apply (audit and outbox
rows), and the removals carried out through the real `VkAdapter` by
`bot.services.roster_removals.carry_out`, chats side by side, so removals queued
together go out as `execute` requests of up to 25 calls.

`bound_seconds` = (API requests made during the sync - 1) / 20: with requests paced
evenly at the limit, the first at 0 and each next 1/20 s later, the last starts at
(N - 1) / 20 s. Requests are counted from the emulator's call log (top-level
entries: an `execute` is one request, its inner calls are not). A progress bar is
shown only when stdout is a terminal. Last line:
{"people": 3000, "chats": 150, "removals": n, "seconds": s, "bound_seconds": b}

    python bench/roster_sync.py [--classes 75]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import click
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.emulator import create_emulator_app
from adapters.vk_messenger import VkAdapter
from bot.moderation.roster import parse_csv, plan_sync, read_file, validate
from bot.services import roster as service
from bot.services.roster_removals import carry_out
from storage import Database
from storage.migrate import upgrade
from storage.repos import Chats, Memberships
from storage.state import MemoryState

TOKEN = "bench-roster-token"
LIMIT = 20  # the emulator's (and VK's) per-token requests per second
STUDENTS = 20  # per class; 19 parents (the first one has two children) and a curator
HEADER = "person_id,full_name,role,class,status,vk_user_id,max_user_id,parent_of,chats"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def class_name(i: int) -> str:
    return f"{1 + i // 7}{'АБВГДЕЖ'[i % 7]}"


class Control:
    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session, self.base = session, base

    async def req(self, method: str, path: str, body: Any = None) -> Any:
        async with self.session.request(method, f"{self.base}/emulator{path}", json=body) as r:
            assert r.status < 400, await r.text()
            return await r.json()


def school(classes: int) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    """The roster's rows (without accounts) and the members (person ids) of every chat tag."""
    rows: list[dict[str, str]] = []
    chats: dict[str, list[str]] = {}
    for i in range(classes):
        name = class_name(i)
        curator = f"c{i}"
        students = [f"s{i}-{k}" for k in range(STUDENTS)]
        rows.append({"person_id": curator, "role": "curator", "class": name})
        rows += [{"person_id": s, "role": "student", "class": name} for s in students]
        parents = [(f"p{i}-0", students[:2])] + [
            (f"p{i}-{k}", [students[k + 1]]) for k in range(1, STUDENTS - 1)
        ]
        rows += [{"person_id": p, "role": "parent", "parent_of": " ".join(k)} for p, k in parents]
        chats[name] = [curator, *students]
        chats[f"{name}-родители"] = [curator, *(p for p, _ in parents)]
    return rows, chats


def export(rows: list[dict[str, str]], users: dict[str, str], departed: set[str]) -> bytes:
    lines = [HEADER]
    for r in rows:
        pid = r["person_id"]
        status = "departed" if pid in departed else "active"
        cells = [pid, f"Человек {pid}", r["role"], r.get("class", ""), status, users[pid], "",
                 r.get("parent_of", ""), ""]  # fmt: skip
        lines.append(",".join(cells))
    return "\n".join(lines).encode()


async def main(classes: int) -> dict[str, Any]:
    app = create_emulator_app("vk", token=TOKEN)  # the live limit: 20 requests/s
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    tmp = tempfile.TemporaryDirectory(prefix="etiket-bench-")
    url = f"sqlite:///{Path(tmp.name) / 'roster.sqlite3'}"
    await upgrade(url)
    db = Database(url)
    adapter = VkAdapter(TOKEN, limiter=MemoryState(), api_url=f"{base}/method/", rate=LIMIT)
    try:
        async with aiohttp.ClientSession() as session:
            em = Control(session, base)
            rows, layout = school(classes)
            users: dict[str, str] = {}
            ids = [r["person_id"] for r in rows]
            for start in range(0, len(ids), 100):
                chunk = ids[start : start + 100]
                made = await asyncio.gather(
                    *(em.req("POST", "/users", {"name": f"Человек {p}"}) for p in chunk)
                )
                users.update((p, str(m["user_id"])) for p, m in zip(chunk, made, strict=True))
            # The chats' owner: the school's account, not in the roster (never removed).
            owner = str((await em.req("POST", "/users", {"name": "Школа"}))["user_id"])
            async with db.transaction() as s:
                chats = Chats(s)
                for tag, people in layout.items():
                    body = {"title": tag, "member_ids": [users[p] for p in people],
                            "owner_id": owner, "bot_is_admin": True}  # fmt: skip
                    chat_id = str((await em.req("POST", "/chats", body))["chat_id"])
                    chat = await chats.get_or_create("vk", chat_id, title=tag)
                    await chats.set_tags(chat, [tag])
                    for p in people:  # the members the bot has seen join
                        await Memberships(s).joined(chat.id, users[p])
            first = validate(parse_csv(export(rows, users, set())))
            assert not first.problems, first.problems[:3]
            await service.import_rows(db, first.rows)

            departed = {f"s{i}-{k}" for i in range(classes) for k in (0, 5)}
            departed |= {f"c{i}" for i in range(0, classes, 15)}
            path = Path(tmp.name) / "export.csv"
            path.write_bytes(export(rows, users, departed))
            mark = (await em.req("GET", "/calls"))["next"]

            started = time.perf_counter()
            checked = validate(parse_csv(read_file(path)))
            assert not checked.problems, checked.problems[:3]
            async with db.transaction() as s:
                state = await service.load_state(s)
            plan = plan_sync(state.people, checked.rows, state.chats, state.members)
            sync = service.sync_id(checked.rows)
            await service.apply_plan(db, plan, sync)
            prefix = f"{service.KEY_PREFIX}{sync}:"
            planned = time.perf_counter() - started
            if sys.stdout.isatty():
                with click.progressbar(length=len(plan.removals), label="removals") as bar:
                    shown = [0]

                    def progress(done: int, total: int) -> None:
                        bar.update(done - shown[0])
                        shown[0] = done

                    results = await carry_out(db, adapter, prefix, progress=progress)
            else:
                results = await carry_out(db, adapter, prefix)
            seconds = time.perf_counter() - started

            calls = (await em.req("GET", f"/calls?since={mark}"))["calls"]
            requests = [c for c in calls if "parent" not in c]
            removals = [c for c in calls if c["method"] == "messages.removeChatUser"]
            in_execute = [c for c in removals if "parent" in c]
            too_fast = [c for c in requests if c.get("error", {}).get("error_code") == 6]
            statuses = {o.status for o in results}
            assert statuses == {"done"}, statuses
            for r in plan.removals:  # what a person would check: the departed are gone
                chat = await em.req("GET", f"/chats/{r.platform_chat_id}")
                assert r.user_id not in {m["user_id"] for m in chat["members"]}, r
            print(
                f"removals planned {len(plan.removals)}, carried out {len(removals)} "
                f"({len(in_execute)} inside execute), API requests {len(requests)} "
                f"(execute {sum(c['method'] == 'execute' for c in requests)}, "
                f"error 6: {len(too_fast)}); planning and queueing took {planned:.2f} s",
                file=sys.stderr,
            )
            return {
                "people": len(rows),
                "chats": len(layout),
                "removals": len(removals),
                "seconds": round(seconds, 2),
                "bound_seconds": round((len(requests) - 1) / LIMIT, 2),
            }
    finally:
        await adapter.close()
        await db.close()
        await runner.cleanup()
        tmp.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--classes", type=int, default=75, help="two chats and 40 people each")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.classes))))
