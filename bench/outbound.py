"""Outbound pacing against the VK emulator's real limit of 20 requests/s (issue 2/11).

The emulator runs in this process on a free port with its real per-token limit
(a sliding window: at most 20 accepted requests in any second, error 6 past it).

Burst 1: `--calls` `messages.send` calls issued at once, each sent as its own
request (`batchable=False`): the outbound queue alone keeps them under the limit.
Burst 2: the same calls through the default adapter, which batches what waits
together into `execute` requests of up to 25 calls.

`bound_seconds` is the time the limit allows for burst 1's one request per call:
with requests paced evenly at the limit, the first at 0 and each next one 1/20 s
later, the last one starts at (calls - 1) / 20, so 200 calls give 9.95 s. Retries
after an error 6 are extra requests and earn no extra time.
(The emulator's window would also accept 20 at once every second, ceil(N/20) - 1 =
9 s for 200; the queue never bursts, since a burst at the window's edge is what
draws error 6 when the clocks of client and server drift apart.) Error-6 answers
are counted from the emulator's call log (`GET /emulator/calls`), across both bursts.

The bar: `rate_limit_errors` 0, `seconds` <= 1.1 x `bound_seconds`, and
`execute_seconds` at least 10x shorter than `seconds`. Last line:
{"calls": 200, "seconds": s, "bound_seconds": b, "rate_limit_errors": n, "execute_seconds": s2}

    python bench/outbound.py [--calls 200] [--rate 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.emulator import create_emulator_app
from adapters.vk_messenger import VkAdapter
from storage.state import MemoryState

TOKEN = "bench-outbound-token"
LIMIT = 20  # the emulator's (and VK's) per-token requests per second


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def control(
    session: aiohttp.ClientSession, base: str, method: str, path: str, body: Any = None
) -> Any:
    async with session.request(method, f"{base}/emulator{path}", json=body) as resp:
        answer = await resp.json(content_type=None)
        if resp.status >= 400:
            raise RuntimeError(f"{method} {path} -> {resp.status}: {answer}")
        return answer


async def burst(
    adapter: VkAdapter, peer: int, calls: int, *, batchable: bool, first_id: int
) -> tuple[float, int]:
    """Seconds from issuing `calls` sends at once until the last answered; requests made."""
    before = adapter.queue.sent_requests

    def send(i: int) -> Awaitable[Any]:
        # Distinct random_ids: VK (and the emulator) drop a repeated one as a resend.
        params = {"peer_ids": peer, "random_id": first_id + i, "message": f"burst {i}"}
        return adapter.call("messages.send", params, batchable=batchable)

    start = time.perf_counter()
    await asyncio.gather(*(send(i) for i in range(calls)))
    return time.perf_counter() - start, adapter.queue.sent_requests - before


def error6(calls: list[dict[str, Any]]) -> int:
    return sum(1 for c in calls if (c.get("error") or {}).get("error_code") == 6)


async def run(calls: int, rate: float, report: Callable[[str], None]) -> dict[str, Any]:
    app = create_emulator_app("vk", token=TOKEN, rps_limit=LIMIT)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    state = MemoryState()  # one rate bucket per token, as in one bot process
    try:
        async with aiohttp.ClientSession() as session:
            user = (await control(session, base, "POST", "/users", {"name": "Ученик"}))["user_id"]
            chat = await control(
                session, base, "POST", "/chats", {"title": "5А", "member_ids": [user]}
            )
            peer = int(chat["chat_id"])

            single = VkAdapter(TOKEN, limiter=state, api_url=f"{base}/method/", rate=rate)
            try:
                seconds, requests = await burst(single, peer, calls, batchable=False, first_id=1)
            finally:
                await single.close()
            log = await control(session, base, "GET", "/calls")
            head, first_errors = log["next"], error6(log["calls"])
            bound = (calls - 1) / LIMIT  # one request per call; retries do not earn time
            report(
                f"one call per request: {calls} calls, {requests} requests in {seconds:.2f}s "
                f"(bound {bound:.2f}s, {seconds / bound:.3f}x); error 6: {first_errors}"
            )

            batched = VkAdapter(TOKEN, limiter=state, api_url=f"{base}/method/", rate=rate)
            try:
                execute_seconds, execute_requests = await burst(
                    batched, peer, calls, batchable=True, first_id=calls + 1
                )
            finally:
                await batched.close()
            log = await control(session, base, "GET", f"/calls?since={head}")
            second_errors = error6(log["calls"])
            report(
                f"execute batching:     {calls} calls, {execute_requests} requests in "
                f"{execute_seconds:.2f}s ({seconds / execute_seconds:.1f}x faster); "
                f"error 6: {second_errors}"
            )
            sent = await control(session, base, "GET", f"/chats/{peer}")
            delivered = sum(1 for m in sent["messages"] if str(m["text"]).startswith("burst "))
            if delivered != 2 * calls:
                raise RuntimeError(f"{delivered} of {2 * calls} messages reached the chat")
    finally:
        await runner.cleanup()
    return {
        "calls": calls,
        "seconds": round(seconds, 3),
        "bound_seconds": round(bound, 3),
        "rate_limit_errors": first_errors + second_errors,
        "execute_seconds": round(execute_seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="the adapter's pacing")
    args = parser.parse_args()
    result = asyncio.run(run(args.calls, args.rate, print))
    ok = (
        result["rate_limit_errors"] == 0
        and result["seconds"] <= 1.1 * result["bound_seconds"]
        and result["seconds"] >= 10 * result["execute_seconds"]
    )
    print(f"bar (no error 6, within 10% of the bound, execute >= 10x): {'met' if ok else 'MISSED'}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
