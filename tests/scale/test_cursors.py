"""The receiver's cursor store: few writes under a busy poll, the latest one kept."""

from __future__ import annotations

import asyncio

import pytest
from asyncpg.exceptions import CannotConnectNowError

from bot.app.roles import PatientCursors


class Store:
    """An inner `CursorStore` that records its writes and can be unreachable."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.writes: list[tuple[str, str]] = []
        self.down = False

    async def load_cursor(self, key: str) -> str | None:
        return self.rows.get(key)

    async def save_cursor(self, key: str, value: str) -> None:
        if self.down:
            raise CannotConnectNowError("the database system is starting up")
        self.rows[key] = value
        self.writes.append((key, value))


async def test_a_busy_poll_writes_a_few_times_and_ends_on_the_latest() -> None:
    store = Store()
    cursors = PatientCursors(store, every=0.05)
    for ts in range(1, 201):
        await cursors.save_cursor("vk:1", str(ts))
        assert await cursors.load_cursor("vk:1") == str(ts)  # what this process saved last
        await asyncio.sleep(0.001)
    await cursors.close()
    assert store.rows == {"vk:1": "200"}
    assert 2 <= len(store.writes) < 40
    values = [int(v) for _, v in store.writes]
    assert values == sorted(values)  # a cursor never goes back


async def test_an_outage_delays_the_write_and_close_still_writes() -> None:
    store = Store()
    store.down = True
    cursors = PatientCursors(store, every=0.01)
    await cursors.save_cursor("max:1", "7")  # returns at once: intake goes on
    await cursors.save_cursor("vk:1", "3")
    await asyncio.sleep(0.1)
    assert store.rows == {}
    store.down = False
    await cursors.close(within=5)
    assert store.rows == {"max:1": "7", "vk:1": "3"}


async def test_close_gives_up_after_its_timeout_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = Store()
    store.down = True
    cursors = PatientCursors(store, every=0.01)
    await cursors.save_cursor("vk:1", "9")
    await cursors.close(within=0.3)
    assert store.rows == {}
    assert "the next start reads those events again" in caplog.text
