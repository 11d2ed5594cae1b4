"""Shared pieces of the fault and restart tests (issue 2/11).

A bot wired like `bot.app.build_app` (source → intake → dispatcher → runner) but
with a recording router instead of etiket's handlers and a long poll tuned to be
quick under faults; a per-platform table of where faults are aimed; and the stream
of numbered messages that the tests post through the control API.

Only the control API and adapter-neutral pieces are used, so the same tests run on
every platform the `platform` fixture names once its front has a profile here.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest

from adapters.base import CursorStore, Event, EventSource, MessengerAdapter
from adapters.outbound import RetryPolicy
from bot.dispatcher import Dispatcher
from bot.intake import Intake
from bot.router import Router
from bot.runner import Runner
from storage.state import EphemeralState
from tests.e2e.conftest import EmulatorServer
from tests.e2e.control import Emulator, eventually

REDIS_URL = os.environ.get("ETIKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

FAST_RETRY = RetryPolicy(max_attempts=6, base_delay=0.02, max_delay=0.2, rate_limited_delay=0.05)
"""The outbound queue's retries, shrunk: error-6 bursts cost milliseconds, not seconds."""

HOLD = 3.0
"""How long a `timeout` fault holds a poll before dropping it. On VK this is longer
than the poll's own HTTP timeout (wait 1 + 1 s), so the client's timeout fires."""


class Crash(BaseException):
    """The process dying mid-batch: after a handler ran, before the cursor was saved.

    A `BaseException`, so neither the dispatcher nor the event source catches it.
    """


@dataclass
class Recorder:
    """The test's only handler: records `(chat_id, text)` of every message it gets.

    With `crash_after` set, the handler raises `Crash` right after recording that
    many messages in total (once), which ends the event source mid-batch.
    """

    seen: list[tuple[str, str]] = field(default_factory=list)
    probes: list[str] = field(default_factory=list)
    crash_after: int | None = None

    def router(self) -> Router:
        router = Router(name="recorder")

        @router.message()
        async def record(event: Event) -> None:
            if event.text.startswith("probe-"):  # see `until_resynced`
                self.probes.append(event.text)
                return
            self.seen.append((event.chat_id, event.text))
            if self.crash_after is not None and len(self.seen) >= self.crash_after:
                self.crash_after = None
                raise Crash

        return router

    def by_chat(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for chat_id, text in self.seen:
            out[chat_id].append(text)
        return dict(out)

    async def reached(self, count: int) -> bool:
        # Distinct messages: a replay after a restart must not count as progress.
        return len(set(self.seen)) >= count


Make = Callable[[EmulatorServer, EphemeralState, CursorStore], tuple[MessengerAdapter, EventSource]]


@dataclass(frozen=True)
class Profile:
    """How a platform is polled quickly, and where its faults are aimed.

    `start_faults` are armed before the bot starts, `stream_faults` once it listens
    and while messages flow; `quiet_faults` only when the bot has caught up (see
    `tests/e2e/test_faults.py` for why).
    """

    make: Make
    stream_faults: tuple[dict[str, Any], ...]
    start_faults: tuple[dict[str, Any], ...] = ()
    quiet_faults: tuple[dict[str, Any], ...] = ()


def _make_vk(
    server: EmulatorServer, state: EphemeralState, cursors: CursorStore
) -> tuple[MessengerAdapter, EventSource]:
    from adapters.vk_messenger import VkAdapter, VkLongPoll

    adapter = VkAdapter(
        server.token, limiter=state, api_url=server.api_url("vk"), rate=20, retry=FAST_RETRY
    )
    source = VkLongPoll(
        adapter,
        cursors,
        wait=1,
        http_timeout=2.0,  # production: wait + 10
        watchdog_after=3.0,  # production: 3 × wait
        backoff_base=0.05,
        backoff_max=0.5,
        flood_delay=0.5,
        stop_grace=5.0,
    )
    return adapter, source


def _make_max(
    server: EmulatorServer, state: EphemeralState, cursors: CursorStore
) -> tuple[MessengerAdapter, EventSource]:
    from adapters.max_messenger import MaxAdapter, MaxPolling

    adapter = MaxAdapter(
        server.token, limiter=state, api_url=server.api_url("max"), rate=30, retry=FAST_RETRY
    )
    source = MaxPolling(
        adapter.api,
        cursors,
        limiter=state,
        bucket=adapter.bucket,
        rate=30,
        timeout=1,
        backoff_base=0.05,
        backoff_cap=0.5,
    )
    return adapter, source


MAX_POLL = "GET /updates"
"""How the MAX front names its long-poll route in the call log and the fault book."""


def _a_check(kind: str, **spec: Any) -> dict[str, Any]:
    return {"kind": kind, "method": "a_check", **spec}


PROFILES: dict[str, Profile] = {
    "vk": Profile(
        make=_make_vk,
        # Error 6 bursts on what the poller calls: at start (getById, getLongPollServer)
        # and on every refetch of the server after `failed` 2 or 3. Eight in a row
        # outlast the outbound queue's six attempts, so the poller's backoff is used too.
        start_faults=(
            {"kind": "api_error", "code": 6, "method": "groups.getById", "count": 3},
            {"kind": "api_error", "code": 6, "method": "groups.getLongPollServer", "count": 2},
        ),
        stream_faults=(
            _a_check("http_500", rate=0.08, seed=1),
            _a_check("drop", rate=0.05, seed=2),
            _a_check("timeout", count=2, rate=0.1, hold=HOLD, seed=3),
            _a_check("duplicate", rate=0.15, seed=4),
            _a_check("longpoll_failed", failed=2, rate=0.05, seed=5),
            {"kind": "api_error", "code": 6, "method": "groups.getLongPollServer", "count": 8},
            {"kind": "api_error", "code": 10, "method": "groups.getLongPollServer", "count": 2},
        ),
        quiet_faults=(
            _a_check("longpoll_failed", failed=1, count=1),
            _a_check("longpoll_failed", failed=3, count=1),
        ),
    ),
    # MAX polls `GET /updates` with a marker and has no `failed` answers: the front's
    # `longpoll_failed` answers the poll with 503 instead, which keeps the marker, so
    # it is safe mid-stream and there are no quiet faults. VK's error 6 is MAX's 429.
    "max": Profile(
        make=_make_max,
        start_faults=({"kind": "api_error", "code": 429, "method": MAX_POLL, "count": 3},),
        stream_faults=(
            {"kind": "http_500", "method": MAX_POLL, "rate": 0.08, "seed": 1},
            {"kind": "drop", "method": MAX_POLL, "rate": 0.05, "seed": 2},
            {"kind": "timeout", "method": MAX_POLL, "count": 2, "rate": 0.1, "hold": HOLD},
            {"kind": "duplicate", "method": MAX_POLL, "rate": 0.15, "seed": 4},
            {"kind": "longpoll_failed", "method": MAX_POLL, "rate": 0.05, "seed": 5},
            {"kind": "api_error", "code": 429, "method": MAX_POLL, "count": 4, "rate": 0.1},
        ),
    ),
}


@dataclass
class Bot:
    """One bot process's worth of objects; `close` releases the adapter."""

    adapter: MessengerAdapter
    source: EventSource
    dispatcher: Dispatcher
    intake: Intake
    runner: Runner

    async def close(self) -> None:
        await self.adapter.close()


def assemble(
    platform: str,
    server: EmulatorServer,
    state: EphemeralState,
    cursors: CursorStore,
    recorder: Recorder,
) -> Bot:
    """The wiring of `build_app`, with `recorder` as the only router."""
    adapter, source = PROFILES[platform].make(server, state, cursors)
    dp = Dispatcher(adapter=adapter, state=state)
    dp.include_router(recorder.router())
    intake = Intake(dp, state, dedup_ttl=3600)
    runner = Runner(intake, [source], restart_delay=0.1)
    return Bot(adapter, source, dp, intake, runner)


@dataclass
class Stream:
    """Chats with one writer each; message `i` of a chat has the text `m<i>`."""

    control: Emulator
    chats: list[tuple[str, str]]  # (chat_id, writer)

    @classmethod
    async def open(cls, control: Emulator, chats: int) -> Stream:
        pairs = []
        for i in range(chats):
            user = await control.user(f"Ученик {i}")
            chat = await control.chat(f"Класс {i}", [user])
            pairs.append((chat, user))
        return cls(control, pairs)

    async def post(self, start: int, stop: int) -> None:
        """Messages `start..stop-1` in every chat: chats concurrently, each in order."""

        async def one_chat(chat: str, user: str) -> None:
            for i in range(start, stop):
                await self.control.say(chat, user, f"m{i}")

        await asyncio.gather(*(one_chat(chat, user) for chat, user in self.chats))

    def expected(self, per_chat: int) -> dict[str, list[str]]:
        return {chat: [f"m{i}" for i in range(per_chat)] for chat, _ in self.chats}


async def until_listening(stream: Stream, recorder: Recorder, timeout: float = 20) -> None:
    """Wait until the bot receives what is posted, then forget the probes.

    A first start on VK takes the server's current position, so whatever was
    posted before is never delivered (MAX delivers it). Probes are posted, each
    with its own text, until the latest one arrives; as one chat is delivered in
    order, no probe can arrive after that, and `seen` is cleared.
    """
    chat, user = stream.chats[0]
    probes = itertools.count()

    async def delivered() -> bool:
        probe = (chat, f"probe {next(probes)}")
        await stream.control.say(chat, user, probe[1])

        async def arrived() -> bool:
            return probe in recorder.seen

        with contextlib.suppress(AssertionError):
            await eventually(arrived, timeout=1.0)
        return probe in recorder.seen

    await eventually(delivered, timeout=timeout, interval=0)
    recorder.seen.clear()


async def until_caught_up(
    recorder: Recorder, stream: Stream, per_chat: int, timeout: float = 60
) -> None:
    """Wait until `per_chat` messages per chat arrived; on timeout say what is missing.

    A liveness deadline, not a speed bar: about 12 s are needed on a quiet machine,
    and a loaded one (benchmarks beside the suite) has needed more than 30."""
    want = per_chat * len(stream.chats)
    try:
        await eventually(partial(recorder.reached, want), timeout=timeout)
    except AssertionError:
        pytest.fail(
            f"{len(recorder.seen)} of {want} messages arrived in {timeout}s; "
            + first_difference(recorder, stream, per_chat),
            pytrace=False,
        )


def first_difference(recorder: Recorder, stream: Stream, per_chat: int) -> str:
    """The first chat whose messages differ from what was posted, and how."""
    got = recorder.by_chat()
    for chat, want in stream.expected(per_chat).items():
        have = got.get(chat, [])
        if have != want:
            missing = [t for t in want if t not in set(have)]
            repeated = sorted({t for t in have if have.count(t) > 1}, key=lambda t: int(t[1:]))
            at = next((i for i, (a, b) in enumerate(zip(have, want, strict=False)) if a != b), None)
            return (
                f"chat {chat}: {len(have)} of {len(want)} arrived, missing {missing[:8]}, "
                f"repeated {repeated[:8]}, first out of place at index {at}"
            )
    return "every chat is complete and in order"


def assert_exactly_once_in_order(recorder: Recorder, stream: Stream, per_chat: int) -> None:
    """Every posted message was handled once, each chat's in posting order, nothing else."""
    ok = recorder.by_chat() == stream.expected(per_chat)
    assert ok, first_difference(recorder, stream, per_chat)
    assert len(recorder.seen) == per_chat * len(stream.chats)


async def armed_faults(control: Emulator) -> list[dict[str, Any]]:
    """`GET /emulator/faults`: every armed fault with how often it `fired`."""
    async with control.session.get(f"{control.base}/emulator/faults") as resp:
        assert resp.status == 200, await resp.text()
        return list((await resp.json())["faults"])


async def arm(control: Emulator, specs: Sequence[dict[str, Any]]) -> list[int]:
    """Arm `specs` at once; returns their ids."""
    if not specs:
        return []
    body = await control.faults({"faults": list(specs)})
    return [int(f["id"]) for f in body["faults"]]


_PROBES = itertools.count()


async def until_resynced(control: Emulator, recorder: Recorder, chat: str, user: str) -> None:
    """Wait until the bot polls from its new position after `failed` 1 or 3.

    Both move the bot to the server's current position (NOTES §2), so whatever is
    posted before the bot has asked again is skipped by the protocol, not by the bot.
    A probe message that arrives proves the bot is listening from the new position.
    """
    # Each probe's text is new for the whole test: a probe of an earlier resync in
    # `recorder.probes` must not pass for this one (it once let a wave go out early).
    for k in itertools.count():
        text = f"probe-{next(_PROBES)}"
        await control.say(chat, user, text)

        async def arrived(text: str = text) -> bool:
            return text in recorder.probes

        try:
            await eventually(arrived, timeout=2.0)
            return
        except AssertionError:
            if k >= 20:
                raise


async def fired(control: Emulator, ids: Sequence[int]) -> bool:
    """Whether every fault of `ids` has fired at least once."""
    return all(f["fired"] > 0 for f in await armed_faults(control) if f["id"] in ids)
