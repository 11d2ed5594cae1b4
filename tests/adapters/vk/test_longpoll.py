"""`VkLongPoll` against the scripted server: `failed` 1/2/3, backoff, cursor, watchdog."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest

from adapters.base import Event, EventSource
from adapters.errors import AuthFailed
from adapters.vk_messenger import VkAdapter, VkLongPoll

from .conftest import GROUP, FakeVk, MemoryCursors, err, ok
from .test_parse import message_new

KEY = f"vk:{GROUP}"


def updates(ts: str, *texts: str) -> dict[str, Any]:
    items: list[Any] = [message_new(t) | {"event_id": f"e-{ts}-{t}"} for t in texts]
    items.append({"type": "wall_post_new", "object": {}})  # unknown: dropped
    return {"ts": ts, "updates": items}


class Recorder:
    """A batch handler that records batches and the cursor as it was during each call."""

    def __init__(self, cursors: MemoryCursors, fail: bool = False) -> None:
        self.cursors = cursors
        self.fail = fail
        self.batches: list[list[Event]] = []
        self.cursor_during: list[str | None] = []
        self.got = asyncio.Event()

    async def __call__(self, events: Sequence[Event]) -> None:
        self.batches.append(list(events))
        self.cursor_during.append(self.cursors.values.get(KEY))
        self.got.set()
        if self.fail:
            raise RuntimeError("database down")


def make_poll(adapter: VkAdapter, cursors: MemoryCursors, **kw: Any) -> VkLongPoll:
    options: dict[str, Any] = {"wait": 1, "backoff_base": 0.001, "backoff_max": 0.01,
                               "flood_delay": 0.01}  # fmt: skip
    options.update(kw)
    return VkLongPoll(adapter, cursors, **options)


async def until(check: Callable[[], bool]) -> None:
    """Wait (at most 3 s) for a condition on the fake server or the cursor store."""
    async with asyncio.timeout(3):
        while not check():  # noqa: ASYNC110 - the conditions span several objects
            await asyncio.sleep(0.005)


async def running(poll: VkLongPoll, handle: Callable[[Sequence[Event]], Awaitable[None]],
                  check: Callable[[], bool]) -> None:  # fmt: skip
    """Run the poll until `check()` holds, then stop it and make sure `run` ended."""
    task = asyncio.create_task(poll.run(handle))
    try:
        await until(check)
    finally:
        await poll.stop()
        await asyncio.wait_for(task, 2)


def ts_sent(vk: FakeVk) -> list[str]:
    return [q["ts"] for q in vk.lp_requests]


async def test_events_are_handed_on_then_ts_is_saved(adapter: VkAdapter, vk: FakeVk) -> None:
    cursors = MemoryCursors()
    vk.lp_script.append(updates("101", "a", "b"))
    poll = make_poll(adapter, cursors)
    assert isinstance(poll, EventSource)
    rec = Recorder(cursors)
    await running(poll, rec, lambda: cursors.values.get(KEY) == "101")
    assert [e.text for e in rec.batches[0]] == ["a", "b"]
    assert rec.cursor_during == ["100"]  # the new ts was not stored while handling
    assert cursors.saves[:2] == [(KEY, "100"), (KEY, "101")]
    first = vk.lp_requests[0]
    assert (first["act"], first["key"], first["ts"], first["wait"]) == ("a_check", "key1", "100",
                                                                        "1")  # fmt: skip


async def test_a_stored_ts_is_replayed_from(adapter: VkAdapter, vk: FakeVk) -> None:
    cursors = MemoryCursors({KEY: "57"})
    vk.lp_script.append(updates("58", "replayed"))
    rec = Recorder(cursors)
    await running(make_poll(adapter, cursors), rec, lambda: bool(rec.batches))
    assert ts_sent(vk)[0] == "57"


async def test_failed_1_takes_the_new_ts_and_keeps_the_key(adapter: VkAdapter, vk: FakeVk) -> None:
    cursors = MemoryCursors()
    vk.lp_script += [{"failed": 1, "ts": "130"}, updates("131", "x")]
    rec = Recorder(cursors)
    await running(make_poll(adapter, cursors), rec, lambda: cursors.values.get(KEY) == "131")
    assert ts_sent(vk)[:2] == ["100", "130"]
    assert [q["key"] for q in vk.lp_requests[:2]] == ["key1", "key1"]
    assert vk.methods().count("groups.getLongPollServer") == 1


async def test_failed_2_takes_a_new_key_and_keeps_our_ts(adapter: VkAdapter, vk: FakeVk) -> None:
    cursors = MemoryCursors({KEY: "90"})
    vk.lp_script += [{"failed": 2}, updates("91", "x")]
    rec = Recorder(cursors)
    await running(make_poll(adapter, cursors), rec, lambda: cursors.values.get(KEY) == "91")
    assert ts_sent(vk)[:2] == ["90", "90"]  # not the server's "100"
    assert [q["key"] for q in vk.lp_requests[:2]] == ["key1", "key2"]


async def test_failed_3_takes_a_new_key_and_ts(adapter: VkAdapter, vk: FakeVk) -> None:
    cursors = MemoryCursors({KEY: "90"})
    vk.lp_script += [{"failed": 3}, updates("101", "x")]
    rec = Recorder(cursors)
    await running(make_poll(adapter, cursors), rec, lambda: cursors.values.get(KEY) == "101")
    assert ts_sent(vk)[:2] == ["90", "100"]
    assert [q["key"] for q in vk.lp_requests[:2]] == ["key1", "key2"]
    assert (KEY, "100") in cursors.saves


async def test_network_failures_back_off_and_keep_ts(make_adapter: Any, vk: FakeVk) -> None:
    cursors = MemoryCursors({KEY: "77"})
    vk.lp_script += [500, "garbage", "hang", updates("78", "x")]
    rec = Recorder(cursors)
    poll = make_poll(make_adapter(), cursors, http_timeout=0.05)
    await running(poll, rec, lambda: cursors.values.get(KEY) == "78")
    assert ts_sent(vk)[:4] == ["77"] * 4
    assert vk.methods().count("groups.getLongPollServer") == 1  # the key was kept too


async def test_server_errors_on_get_server_back_off(adapter: VkAdapter, vk: FakeVk) -> None:
    cursors = MemoryCursors()
    vk.reply("groups.getLongPollServer", err(29, "Rate limit reached"), 500, 500, 500, 500)
    vk.lp_script.append(updates("101", "x"))
    rec = Recorder(cursors)
    await running(make_poll(adapter, cursors), rec, lambda: bool(rec.batches))
    # 29 (flood: a long pause), then four 500s (the queue's 4 attempts, then the poll's
    # backoff), then the answer.
    assert vk.methods().count("groups.getLongPollServer") == 6


async def test_if_handle_raises_ts_is_not_saved(adapter: VkAdapter, vk: FakeVk) -> None:
    cursors = MemoryCursors({KEY: "50"})
    vk.lp_script.append(updates("51", "boom"))
    rec = Recorder(cursors, fail=True)
    with pytest.raises(RuntimeError, match="database down"):
        await asyncio.wait_for(make_poll(adapter, cursors).run(rec), 3)
    assert cursors.values[KEY] == "50" and cursors.saves == []


async def test_auth_failure_ends_the_run(adapter: VkAdapter, vk: FakeVk) -> None:
    vk.reply("groups.getLongPollServer", err(5, "User authorization failed"))
    with pytest.raises(AuthFailed):
        await asyncio.wait_for(
            make_poll(adapter, MemoryCursors()).run(Recorder(MemoryCursors())), 3
        )


async def test_watchdog_renews_a_hung_session(adapter: VkAdapter, vk: FakeVk) -> None:
    cursors = MemoryCursors()
    vk.lp_script += ["hang", updates("101", "after")]
    poll = make_poll(adapter, cursors, http_timeout=60, watchdog_after=0.1)
    rec = Recorder(cursors)
    await running(poll, rec, lambda: bool(rec.batches))
    assert poll.renewed_sessions == 1
    assert ts_sent(vk)[:2] == ["100", "100"]


async def test_stop_ends_a_hanging_poll_cleanly(adapter: VkAdapter, vk: FakeVk) -> None:
    vk.lp_script.append("hang")
    poll = make_poll(adapter, MemoryCursors(), http_timeout=60)
    task = asyncio.create_task(poll.run(Recorder(MemoryCursors())))
    await until(lambda: bool(vk.lp_requests))
    await poll.stop()
    assert task.done() and task.exception() is None


async def test_group_id_and_settings_on_start(make_adapter: Any, vk: FakeVk) -> None:
    adapter = make_adapter(group_id=None)
    cursors = MemoryCursors()
    vk.lp_script.append(updates("101", "x"))
    rec = Recorder(cursors)
    await running(make_poll(adapter, cursors, configure=True), rec, lambda: bool(rec.batches))
    assert vk.methods()[:3] == ["groups.getById", "groups.setLongPollSettings",
                                "groups.getLongPollServer"]  # fmt: skip
    settings = dict(vk.calls[1][1])
    assert settings["message_event"] == "1" and settings["api_version"] == "5.199"


async def test_a_missing_ts_refetches_the_server(adapter: VkAdapter, vk: FakeVk) -> None:
    cursors = MemoryCursors()
    vk.lp_script += [{"updates": []}, ok(1), updates("101", "x")]
    rec = Recorder(cursors)
    await running(make_poll(adapter, cursors), rec, lambda: bool(rec.batches))
    assert vk.methods().count("groups.getLongPollServer") == 3


async def test_linger_waits_after_events_only(adapter: VkAdapter, vk: FakeVk) -> None:
    """A busy stream is asked less often; an empty answer is followed at once."""
    cursors = MemoryCursors()
    vk.lp_script += [{"ts": "101", "updates": []}, updates("102", "a"), updates("103", "b")]
    rec = Recorder(cursors)
    times: list[float] = []
    loop = asyncio.get_running_loop()

    async def handle(events: Sequence[Event]) -> None:
        times.append(loop.time())
        await rec(events)

    start = loop.time()
    poll = make_poll(adapter, cursors, linger=0.4)
    await running(poll, handle, lambda: len(rec.batches) == 2)
    assert [[e.text for e in b] for b in rec.batches] == [["a"], ["b"]]
    assert times[0] - start < 0.3  # the empty answer cost no linger
    assert times[1] - times[0] >= 0.4
    assert ts_sent(vk)[:3] == ["100", "101", "102"]
