"""The shapes the announcement service takes and returns."""

from __future__ import annotations

from dataclasses import dataclass

from bot.announcements import ChatRef, QuietHours, Schedule
from storage.models import Chat

__all__ = ["NewAnnouncement", "RunSummary", "chat_ref"]


@dataclass(frozen=True, slots=True)
class NewAnnouncement:
    """What an administrator gives to create an announcement (already parsed)."""

    text: str
    targets: tuple[str, ...]
    schedule: Schedule
    time_zone: str
    urgent: bool = False
    pin: bool = False
    author: str | None = None
    quiet: QuietHours | None = None
    school_id: int | None = None


@dataclass
class RunSummary:
    """What one `run_due` did: for logs, metrics and tests."""

    fanned_out: int = 0
    deliveries: int = 0
    missed: int = 0
    reports: int = 0


def chat_ref(chat: Chat) -> ChatRef:
    return ChatRef(chat.id, chat.platform, chat.platform_chat_id, chat.title, tuple(chat.tag_names))
