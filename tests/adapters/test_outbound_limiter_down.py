"""The shared rate bucket lives in Redis: while Redis is away the outbound queue
waits for it instead of losing the call (found by the fault test, issue [11/11])."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from adapters.outbound import ApiCall, OutboundQueue


class FlakyLimiter:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.asked = 0

    async def reserve(self, bucket: str, rate: float, burst: int = 1) -> float:
        self.asked += 1
        if self.failures > 0:
            self.failures -= 1
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")
        return 0.0


async def test_a_call_waits_for_the_limiter_and_is_answered(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def send(call: ApiCall) -> str:
        return f"sent {call.method}"

    limiter = FlakyLimiter(failures=3)
    queue = OutboundQueue(bucket="vk:t", rate=1000, send=send, limiter=limiter)
    try:
        assert await queue.call("messages.send", {}) == "sent messages.send"
    finally:
        await queue.close()
    assert limiter.asked == 4
    assert "rate limiter unavailable" in caplog.text
