"""The delivery report an author gets when a run is complete.

Pure: it takes the finished deliveries and returns the figures and the failed
chats with their reasons; the service turns that into catalogue text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DeliveryOutcome", "RunReport", "summarize"]


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """One chat's result: `sent` or `failed` with the platform's reason."""

    chat_title: str
    status: str
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RunReport:
    sent: int
    failed: int
    failures: tuple[tuple[str, str], ...]  # (chat title, reason)

    @property
    def complete_success(self) -> bool:
        return self.failed == 0


def summarize(outcomes: Iterable[DeliveryOutcome]) -> RunReport:
    sent = failed = 0
    failures: list[tuple[str, str]] = []
    for o in outcomes:
        if o.status == "sent":
            sent += 1
        elif o.status == "failed":
            failed += 1
            failures.append((o.chat_title, o.error or "?"))
    return RunReport(sent, failed, tuple(sorted(failures)))
