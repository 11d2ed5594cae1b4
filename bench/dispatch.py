"""Dispatch throughput: raw VK dicts through `parse_update` and the Dispatcher.

Setups, as in ../shared/peerbench: (a) one no-op handler; (b) 20 command handlers
and a fallback; (c) b plus an outer middleware counting messages per chat. Each
setup: one warm-up run and three timed runs of the whole corpus, median reported.
JSON decoding happens outside the timer (as in peerbench); parsing the decoded dict
into an Event is inside it. Last line: {"a": eps, "b": eps, "c": eps, "rss_mib": peak}.

    python bench/dispatch.py [--n 50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workload import COMMANDS, encoded_corpus

from adapters.base import Event
from adapters.vk_messenger import parse_update
from bot.dispatcher import Dispatcher
from bot.filters import Command

CHUNK = 1000


def build(setup: str, hits: dict[str, int], per_chat: dict[str, int]) -> Dispatcher:
    dp = Dispatcher()
    if setup == "a":

        @dp.message()
        async def any_message(event: Event) -> None:
            hits["fallback"] += 1

        return dp
    for name in COMMANDS:

        async def on_command(event: Event, _name: str = name) -> None:
            hits[_name] += 1

        dp.message.register(on_command, Command(name))

    @dp.message()
    async def fallback(event: Event) -> None:
        hits["fallback"] += 1

    if setup == "c":

        async def count_chat(handler: Any, event: Event, data: dict[str, Any]) -> Any:
            per_chat[event.chat_id] = per_chat.get(event.chat_id, 0) + 1
            return await handler(event, data)

        dp.message.outer_middleware(count_chat)
    return dp


async def run_setup(setup: str, corpus: list[bytes], expected: dict[str, int], runs: int) -> float:
    hits = {c: 0 for c in COMMANDS} | {"fallback": 0}
    per_chat: dict[str, int] = {}
    dp = build(setup, hits, per_chat)
    feed = dp.feed_event
    parse = parse_update
    times = []
    for run in range(runs + 1):
        for key in hits:
            hits[key] = 0
        per_chat.clear()
        gc.collect()
        elapsed = 0.0
        for start in range(0, len(corpus), CHUNK):
            batch = [json.loads(raw) for raw in corpus[start : start + CHUNK]]
            t0 = time.perf_counter()
            for raw in batch:
                event = parse(raw)
                if event is not None:
                    await feed(event)
            elapsed += time.perf_counter() - t0
        got = sum(hits.values()) if setup == "a" else hits
        want = len(corpus) if setup == "a" else expected
        if got != want:
            raise SystemExit(f"setup {setup}: handler hits {got} differ from expected {want}")
        if setup == "c" and (sum(per_chat.values()) != len(corpus) or len(per_chat) != 200):
            raise SystemExit("setup c: the middleware did not see every message")
        if run:
            times.append(elapsed)
    return len(corpus) / statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    corpus, expected = encoded_corpus(args.n)
    result: dict[str, float] = {}
    for setup in "abc":
        result[setup] = round(asyncio.run(run_setup(setup, corpus, expected, args.runs)))
        print(f"setup {setup}: {result[setup]} events/s (raw VK dicts, parse included)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result | {"rss_mib": round(peak, 1)}))


if __name__ == "__main__":
    main()
