"""A burst at VK's real limit of 20 requests/s draws no error 6, and `execute` packs it.

The fast version of `bench/outbound.py` (issue 2/11): the emulator enforces the
limit as a one-second sliding window per token, as VK does; the adapter's outbound
queue must keep every burst under it, and batching must turn 60 calls into at most
3 requests.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from adapters.vk_messenger import VkAdapter
from storage.state import MemoryState
from tests.e2e.conftest import EmulatorServer

CALLS = 60
LIMIT = 20  # the emulator's per-token limit (`create_emulator_app(rps_limit=20)`)


def _error6(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in calls if (c.get("error") or {}).get("error_code") == 6]


async def _burst(adapter: VkAdapter, peer: int, first_id: int, *, batchable: bool) -> list[Any]:
    return await asyncio.gather(
        *(
            adapter.call(
                "messages.send",
                {"peer_ids": peer, "random_id": first_id + i, "message": f"m{i}"},
                batchable=batchable,
            )
            for i in range(CALLS)
        )
    )


@pytest.mark.parametrize("platform", ["vk"])  # VK's limit and `execute`; MAX has its own
async def test_a_burst_at_the_real_limit_draws_no_error_6(emulator: EmulatorServer) -> None:
    control = emulator.control
    user = await control.user("Ученик")
    peer = int(await control.chat("5А", [user]))
    state = MemoryState()  # one bucket per token, shared by both adapters as in one process
    url = emulator.api_url("vk")

    single = VkAdapter(emulator.token, limiter=state, api_url=url)  # the production rate
    start = time.monotonic()
    try:
        answers = await _burst(single, peer, 1, batchable=False)
    finally:
        await single.close()
    elapsed = time.monotonic() - start
    log = await control.calls()
    refused = len(_error6(log))
    assert refused == 0, f"error 6 answered {refused} of the {len(log)} requests"
    assert all(isinstance(a, list) and a[0]["conversation_message_id"] for a in answers)
    assert single.queue.sent_requests == CALLS
    bound = (CALLS - 1) / LIMIT  # evenly paced at the limit, the first at 0
    assert elapsed <= 1.1 * bound, f"{elapsed:.2f}s for {CALLS} requests (bound {bound:.2f}s)"

    batched = VkAdapter(emulator.token, limiter=state, api_url=url)
    try:
        answers = await _burst(batched, peer, CALLS + 1, batchable=True)
    finally:
        await batched.close()
    after = (await control.calls())[len(log) :]
    requests = [c for c in after if "parent" not in c]
    assert len(_error6(after)) == 0
    assert all(isinstance(a, list) and a[0]["conversation_message_id"] for a in answers)
    assert len(requests) <= 3, [c["method"] for c in requests]
    assert {c["method"] for c in requests} == {"execute"}
    assert sum(1 for c in after if c.get("parent") is not None) == CALLS
