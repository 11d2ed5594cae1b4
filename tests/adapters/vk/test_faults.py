"""What the outbound path does when VK or the network misbehaves (NOTES §6, §8)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest

from adapters.errors import (
    AuthFailed,
    FloodControl,
    MessengerError,
    NotAdmin,
    PrivacyRefused,
    TransientError,
)
from adapters.vk_messenger import VkAdapter

from .conftest import FAST_RETRY, TOKEN, AdapterFactory, FakeVk, err, ok, sent

CHAT = "2000000007"


@pytest.mark.parametrize("failure", [500, 502, "garbage", err(1), err(10)])
async def test_transient_failures_are_retried(adapter: VkAdapter, vk: FakeVk, failure: Any) -> None:
    vk.reply("messages.send", failure, failure)
    assert await adapter.send_message(CHAT, "hi") == "1001"
    assert [m for m, _ in vk.requests] == ["messages.send"] * 3
    ids = {p["random_id"] for _, p in vk.requests}
    assert len(ids) == 1  # the same logical send: VK dedupes a retry that did land


async def test_rate_limited_is_retried_after_a_pause(adapter: VkAdapter, vk: FakeVk) -> None:
    vk.reply("messages.send", err(6, "Too many requests per second"))
    started = time.monotonic()
    assert await adapter.send_message(CHAT, "hi") == "1001"
    assert time.monotonic() - started >= FAST_RETRY.rate_limited_delay
    assert len(vk.requests) == 2


@pytest.mark.parametrize(("code", "cls"), [(9, FloodControl), (29, FloodControl),
                                            (5, AuthFailed), (917, NotAdmin)])  # fmt: skip
async def test_non_transient_errors_are_not_retried(
    adapter: VkAdapter, vk: FakeVk, code: int, cls: type[MessengerError]
) -> None:
    vk.reply("messages.send", err(code))
    with pytest.raises(cls) as info:
        await adapter.send_message(CHAT, "hi")
    assert info.value.code == code and info.value.method == "messages.send"
    assert len(vk.requests) == 1


async def test_timeouts_are_retried_then_surface(make_adapter: AdapterFactory, vk: FakeVk) -> None:
    adapter = make_adapter(timeout=0.05)
    vk.reply("messages.send", "hang")
    assert await adapter.send_message(CHAT, "hi") == "1001"
    vk.reply("messages.send", *["hang"] * FAST_RETRY.max_attempts)
    with pytest.raises(TransientError) as info:
        await adapter.send_message(CHAT, "hi")
    assert info.value.code == "network"


async def test_connection_refused_is_transient(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter(api_url="http://127.0.0.1:9/method/")
    with pytest.raises(TransientError):
        await adapter.send_message(CHAT, "hi")


async def test_token_never_reaches_the_logs(
    adapter: VkAdapter, vk: FakeVk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    vk.reply("messages.send", 500, err(5, "User authorization failed"))
    with pytest.raises(AuthFailed) as info:
        await adapter.send_message(CHAT, "hi")
    assert TOKEN not in caplog.text and TOKEN not in str(info.value)


# -- execute --------------------------------------------------------------------


async def test_a_burst_goes_out_as_one_execute(adapter: VkAdapter, vk: FakeVk) -> None:
    results = await asyncio.gather(*(adapter.send_message(CHAT, f"n{i}") for i in range(5)))
    assert [m for m, _ in vk.requests] == ["execute"]
    assert vk.methods() == ["messages.send"] * 5
    assert sorted(results) == ["1001", "1002", "1003", "1004", "1005"]


async def test_execute_maps_each_error_to_its_call(adapter: VkAdapter, vk: FakeVk) -> None:
    vk.reply(
        "messages.send",
        sent(int(CHAT), 1),
        err(9, "Flood control"),  # → false + execute_errors[0]
        ok([{"peer_id": 5, "message_id": 0, "conversation_message_id": 0,
             "error": {"code": 901, "description": "no permission"}}]),  # per-item error
        err(917, "no access"),  # → false + execute_errors[1]
        sent(int(CHAT), 5),
    )  # fmt: skip
    results = await asyncio.gather(
        adapter.send_message(CHAT, "a"),
        adapter.send_message(CHAT, "b"),
        adapter.send_private("5", "c"),
        adapter.send_message(CHAT, "d"),
        adapter.send_message(CHAT, "e"),
        return_exceptions=True,
    )
    assert results[0] == "1" and results[4] == "5"
    assert isinstance(results[1], FloodControl) and results[1].code == 9
    assert isinstance(results[2], PrivacyRefused)
    assert isinstance(results[3], NotAdmin)
    assert [m for m, _ in vk.requests] == ["execute"]  # nothing was retried


async def test_a_transient_item_is_retried_alone(adapter: VkAdapter, vk: FakeVk) -> None:
    vk.reply("messages.send", sent(int(CHAT), 1), err(10, "Internal"), sent(int(CHAT), 3))
    results = await asyncio.gather(*(adapter.send_message(CHAT, t) for t in "abc"))
    assert results[0] == "1" and results[2] == "3" and results[1] == "1001"
    assert [m for m, _ in vk.requests] == ["execute", "messages.send"]
    retried = vk.requests[1][1]
    first_try = [p for m, p in vk.calls if m == "messages.send"][1]
    assert retried["random_id"] == first_try["random_id"] and retried["message"] == "b"


async def test_an_execute_runtime_error_resends_each_call_alone(
    adapter: VkAdapter, vk: FakeVk
) -> None:
    vk.reply("execute", err(13, "Runtime error"))
    original = vk._execute

    def failing_once(params: dict[str, str]) -> Any:
        script = vk.scripts.get("execute")
        return script.pop(0) if script else original(params)

    vk._execute = failing_once  # type: ignore[method-assign]
    results = await asyncio.gather(*(adapter.send_message(CHAT, t) for t in "abc"))
    assert sorted(results) == ["1001", "1002", "1003"]
    assert [m for m, _ in vk.requests] == ["execute"] + ["messages.send"] * 3


async def test_a_whole_execute_failure_fails_or_retries_every_call(
    adapter: VkAdapter, vk: FakeVk
) -> None:
    vk._execute = lambda params: err(5, "User authorization failed")  # type: ignore[method-assign]
    results = await asyncio.gather(
        *(adapter.send_message(CHAT, t) for t in "ab"), return_exceptions=True
    )
    assert all(isinstance(r, AuthFailed) for r in results)
