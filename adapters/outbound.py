"""The outbound queue: every platform call of one token goes through one of these.

It paces calls with a shared rate reservation (in-process or Redis, so several
processes share one bucket), retries what the platform marks transient with jittered
exponential backoff, and can hand bursts of queued calls to a batch sender (VK's
`execute`), mapping each item's result or error back to the call that made it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from adapters.errors import MessengerError, RateLimited, TransientError

__all__ = ["HEADROOM", "ApiCall", "OutboundQueue", "RateLimiter", "RetryPolicy"]

log = logging.getLogger(__name__)

HEADROOM = 0.03
"""Share of a platform's rate left unused. The platform counts arrivals: network jitter
can bring two requests sent exactly one window apart less than a window apart, which
at the full rate draws VK's error 6 or MAX's 429 on a few percent of window edges."""


LATE = 0.01
"""A wake-up later than this slips the pacing schedule (see `_wait_for_slot`); smaller
overruns are left to the headroom, which absorbs about 30 ms per second at VK's rate."""


class RateLimiter(Protocol):
    """Anything that can reserve a slot in a rate bucket (see `EphemeralState.reserve`)."""

    async def reserve(self, bucket: str, rate: float, burst: int = 1) -> float: ...


@dataclass(slots=True)
class ApiCall:
    """One platform call waiting for its turn."""

    method: str
    params: Mapping[str, Any]
    future: asyncio.Future[Any]
    batchable: bool = True
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently transient failures are retried."""

    max_attempts: int = 6
    base_delay: float = 0.2
    max_delay: float = 20.0
    rate_limited_delay: float = 1.0

    def delay(self, attempt: int, error: BaseException) -> float:
        """Full-jitter exponential backoff; a rate-limit answer waits at least a second."""
        cap = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        floor = self.rate_limited_delay if isinstance(error, RateLimited) else 0.0
        return floor + random.uniform(0, cap)


Sender = Callable[[ApiCall], Awaitable[Any]]
BatchSender = Callable[[Sequence[ApiCall]], Awaitable[Sequence[Any]]]
"""Returns one entry per call: its result, or the `MessengerError` it raised."""


@dataclass
class OutboundQueue:
    """A paced, retrying queue for one token.

    `bucket` names the rate bucket (one per token); `rate` is requests per second.
    With `send_batch` and `batch_size` > 1, calls that are waiting when a slot comes go
    out in one request, which costs one slot of the bucket.
    """

    bucket: str
    rate: float
    send: Sender
    limiter: RateLimiter
    send_batch: BatchSender | None = None
    batch_size: int = 1
    workers: int = 4
    headroom: float = HEADROOM
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    _queue: asyncio.Queue[ApiCall] = field(init=False, repr=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False, repr=False)
    _timers: set[asyncio.TimerHandle] = field(default_factory=set, init=False, repr=False)
    _closed: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self._queue = asyncio.Queue()
        self._turn = asyncio.Lock()
        self._not_before = float("-inf")
        self.sent_requests = 0
        # Error answers by class name, retried ones included: `/metrics` shows them.
        self.api_errors: Counter[str] = Counter()

    @property
    def depth(self) -> int:
        """Calls waiting, including those waiting to be retried."""
        return self._queue.qsize() + len(self._timers)

    async def call(self, method: str, params: Mapping[str, Any], *, batchable: bool = True) -> Any:
        """Queue a call and wait for its result; raises the mapped `MessengerError`."""
        if self._closed:
            raise RuntimeError("the outbound queue is closed")
        self._ensure_workers()
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(ApiCall(method, params, fut, batchable))
        return await fut

    def _ensure_workers(self) -> None:
        while len(self._tasks) < self.workers:
            task = asyncio.create_task(self._work(), name=f"outbound:{self.bucket}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _work(self) -> None:
        while True:
            batch: list[ApiCall] = []
            try:
                # One worker at a time waits for the next slot, and fills its batch
                # when the slot comes, not when the first call arrived: calls that
                # trickle in meanwhile (a fan-out still being written, the outbox's
                # next page) ride in the same request, and no call waits held by a
                # worker whose slot is later. Requests themselves overlap.
                async with self._turn:
                    batch.append(await self._queue.get())
                    await self._wait_for_slot()
                    self._fill(batch)
                results = await self._send(batch)
            except asyncio.CancelledError:
                for call in batch:
                    if not call.future.done():
                        call.future.set_exception(RuntimeError("the outbound queue was closed"))
                raise
            for call, result in zip(batch, results, strict=True):
                self._settle(call, result)

    async def _wait_for_slot(self) -> None:
        """Sleep until the bucket's next slot, and one interval past our previous one.

        The bucket does not know when a slot was really used. A sleep that overran by
        more than `LATE` (the event loop was busy) makes the late request the base of
        our schedule, which slips rather than catching up: the bucket alone would send
        the next one right behind it, and the platform counts arrivals, so the late
        request and the twentieth after it could share one second. Small overruns do
        not add up: the base is then the slot, not the moment of waking.
        """
        rate = self.rate * (1 - self.headroom)
        loop = asyncio.get_running_loop()
        delay = max(await self._reserve(rate), self._not_before - loop.time())
        due = loop.time() + delay
        if delay > 0:
            await asyncio.sleep(delay)
        now = loop.time()
        self._not_before = (now if now - due > LATE else due) + 1 / rate

    async def _reserve(self, rate: float) -> float:
        """A slot of the shared bucket; while Redis is away, wait: a worker task that
        died here would leave its call unanswered for good."""
        pause = 0.1
        while True:
            try:
                return await self.limiter.reserve(self.bucket, rate)
            except Exception as exc:
                log.warning("rate limiter unavailable (%r); waiting %.1fs", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 2.0)

    def _fill(self, batch: list[ApiCall]) -> None:
        if self.send_batch is None or not batch[0].batchable:
            return
        while len(batch) < self.batch_size and not self._queue.empty():
            nxt = self._queue.get_nowait()
            if not nxt.batchable:
                self._queue.put_nowait(nxt)  # goes to the back; sent on its own
                return
            batch.append(nxt)

    async def _send(self, batch: list[ApiCall]) -> Sequence[Any]:
        self.sent_requests += 1
        try:
            if len(batch) == 1:
                return [await self._one(batch[0])]
            assert self.send_batch is not None
            results = await self.send_batch(batch)
            if len(results) != len(batch):
                raise MessengerError(f"batch answered {len(results)} of {len(batch)} calls")
            return results
        except MessengerError as exc:
            return [exc] * len(batch)
        except Exception as exc:  # a bug in a sender must not kill the worker
            log.exception("outbound sender failed for %s", batch[0].method)
            return [exc] * len(batch)

    async def _one(self, call: ApiCall) -> Any:
        try:
            return await self.send(call)
        except MessengerError as exc:
            return exc

    def _settle(self, call: ApiCall, result: Any) -> None:
        if call.future.done():
            return
        if not isinstance(result, BaseException):
            call.future.set_result(result)
            return
        self.api_errors[type(result).__name__] += 1
        call.attempts += 1
        if isinstance(result, TransientError) and call.attempts < self.retry.max_attempts:
            delay = self.retry.delay(call.attempts, result)
            log.info("retrying %s in %.2fs after %r", call.method, delay, result)
            loop = asyncio.get_running_loop()
            handle: asyncio.TimerHandle

            def requeue() -> None:
                self._timers.discard(handle)
                self._queue.put_nowait(call)

            handle = loop.call_later(delay, requeue)
            self._timers.add(handle)
            return
        call.future.set_exception(result)

    async def close(self) -> None:
        """Stop the workers; calls still waiting fail with a clear error."""
        self._closed = True
        for handle in self._timers:
            handle.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        while not self._queue.empty():
            call = self._queue.get_nowait()
            if not call.future.done():
                call.future.set_exception(RuntimeError("the outbound queue was closed"))
