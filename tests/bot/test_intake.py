"""The intake: each event handled once, in order, a batch resumed where it stopped."""

from __future__ import annotations

from typing import Any, cast

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from adapters.base import Event, EventKind
from bot.dispatcher import Dispatcher
from bot.intake import Intake
from storage.state import MemoryState


def message(n: int, *, event_id: str | None = None) -> Event:
    return Event(
        platform="vk",
        kind=EventKind.MESSAGE,
        chat_id="2000000001",
        user_id="21",
        message_id=str(n),
        text=f"m{n}",
        event_id=event_id or f"e{n}",
    )


class Recorder:
    """Stands in for the dispatcher; can fail like an unreachable database once."""

    def __init__(self) -> None:
        self.fed: list[str] = []
        self.fail_at: str | None = None

    async def feed_event(self, event: Event, **_: Any) -> None:
        if event.message_id == self.fail_at:
            self.fail_at = None
            raise RedisConnectionError("Error 111 connecting: Connection refused.")
        self.fed.append(event.message_id)


def intake(recorder: Recorder) -> Intake:
    return Intake(cast(Dispatcher, recorder), MemoryState(), dedup_ttl=60)


async def test_a_repeat_in_the_batch_and_a_redelivery_are_dropped() -> None:
    recorder = Recorder()
    it = intake(recorder)
    await it.handle_batch([message(1), message(2), message(1), message(3)])
    await it.handle_batch([message(3), message(4)])
    await it.handle(message(2))
    assert recorder.fed == ["1", "2", "3", "4"]
    assert (it.received, it.handled, it.duplicates) == (7, 4, 3)


async def test_a_batch_that_stopped_halfway_resumes_where_it_stopped() -> None:
    recorder = Recorder()
    it = intake(recorder)
    batch = [message(n) for n in range(1, 6)]
    recorder.fail_at = "3"
    with pytest.raises(RedisConnectionError):
        await it.handle_batch(batch)
    await it.handle_batch(batch)  # the worker's retry of the whole batch
    assert recorder.fed == ["1", "2", "3", "4", "5"]
