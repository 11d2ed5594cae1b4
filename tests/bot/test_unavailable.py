"""`bot.unavailable`: telling an outage from a broken event, and waiting one out."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.unavailable import is_unavailable, patiently


def test_an_outage_is_told_from_a_bug_through_its_causes() -> None:
    try:
        try:
            raise ConnectionRefusedError(111, "Connect call failed")
        except OSError as exc:
            raise RuntimeError("saving failed") from exc
    except RuntimeError as wrapped:
        assert is_unavailable(wrapped)
    assert is_unavailable(RedisConnectionError("Connection closed by server."))
    assert not is_unavailable(ValueError("bad update"))


async def test_patiently_waits_out_an_outage_and_returns_the_result(
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures = [RedisConnectionError("down"), ConnectionRefusedError(111, "refused")]

    async def step() -> str:
        if failures:
            raise failures.pop(0)
        return "stored"

    assert await patiently(step, "saving the cursor", retry_max=0.1) == "stored"
    said = [r.getMessage() for r in caplog.records if r.name == "etiket.unavailable"]
    assert len(said) == 2  # once when it starts waiting, once when it goes on


async def test_patiently_raises_what_is_not_an_outage_at_once() -> None:
    calls = 0

    async def step() -> None:
        nonlocal calls
        calls += 1
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        await patiently(step, "appending")
    assert calls == 1
