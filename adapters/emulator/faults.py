"""Fault injection: make the next N (or a random share of) bot requests fail.

A fault is armed through the control API and consumed by the fronts at fixed
points: `transport` faults (HTTP 500, a held-then-dropped request, a dropped
connection) before a request is handled, `api_error` instead of a method's
result, `longpoll_failed` instead of a long-poll answer, `duplicate` on event
delivery. Rates draw from a per-fault RNG seeded from the request, so a failing
run can be replayed.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "Fault", "FaultBook", "FaultSpecError"]

KINDS = frozenset({"http_500", "timeout", "drop", "api_error", "longpoll_failed", "duplicate"})
TRANSPORT_KINDS = frozenset({"http_500", "timeout", "drop"})


class FaultSpecError(ValueError):
    """The control API was given a fault it cannot arm."""


@dataclass(slots=True)
class Fault:
    """One armed fault; `count` None means it fires by `rate` until cleared."""

    id: int
    kind: str
    method: str | None = None
    count: int | None = None
    rate: float = 1.0
    code: int = 10
    failed: int = 1
    hold: float = 100.0  # past the longest client wait: long poll 90 s + 10 s (NOTES §2)
    seed: int | None = None
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, kinds: frozenset[str], method: str, explicit_only: bool) -> bool:
        if self.kind not in kinds or (self.count is not None and self.count <= 0):
            return False
        if self.method is None:
            return not explicit_only
        return self.method == method

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "method": self.method,
            "count": self.count,
            "rate": self.rate,
            "code": self.code,
            "failed": self.failed,
            "hold": self.hold,
            "seed": self.seed,
            "fired": self.fired,
        }


class FaultBook:
    """The armed faults, checked in the order they were armed."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self._ids = itertools.count(1)

    def arm(self, spec: dict[str, Any]) -> Fault:
        kind = spec.get("kind")
        if kind not in KINDS:
            raise FaultSpecError(f"kind must be one of {sorted(KINDS)}")
        count, rate = spec.get("count"), spec.get("rate")
        try:
            fault = Fault(
                next(self._ids),
                str(kind),
                method=str(spec["method"]) if spec.get("method") else None,
                count=None if count is None and rate is not None else int(count or 1),
                rate=1.0 if rate is None else float(rate),
                code=int(spec.get("code", 10)),
                failed=int(spec.get("failed", 1)),
                hold=float(spec.get("hold", 100.0)),
                seed=None if spec.get("seed") is None else int(spec["seed"]),
            )
        except (TypeError, ValueError) as exc:
            raise FaultSpecError(f"bad fault field: {exc}") from exc
        if fault.failed not in (1, 2, 3) or not 0.0 <= fault.rate <= 1.0:
            raise FaultSpecError("failed must be 1, 2 or 3 and rate within 0..1")
        fault.rng.seed(fault.seed)
        self.faults.append(fault)
        return fault

    def draw(self, kinds: frozenset[str], method: str, explicit_only: bool = False) -> Fault | None:
        """The first armed fault of `kinds` that fires for `method` now, consumed once."""
        if not self.faults:  # the fast path under load
            return None
        for fault in self.faults:
            if not fault.matches(kinds, method, explicit_only):
                continue
            if fault.count is None and fault.rng.random() >= fault.rate:
                continue
            if fault.count is not None:
                if fault.rate < 1.0 and fault.rng.random() >= fault.rate:
                    continue
                fault.count -= 1
            fault.fired += 1
            return fault
        return None

    def clear(self) -> None:
        self.faults.clear()
