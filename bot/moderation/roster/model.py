"""Roster values: one person's row, a problem with a row, a chat as the plan sees it.

Regulation point 8 makes the school's roster the source of who belongs in which
chat; these are the plain values the parser produces and the planner compares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "COLUMNS",
    "ROLES",
    "STAFF_ROLES",
    "STATUSES",
    "ChatInfo",
    "RosterRow",
    "RowProblem",
    "normalize_class",
]

COLUMNS = (
    "person_id",
    "full_name",
    "role",
    "class",
    "status",
    "vk_user_id",
    "max_user_id",
    "parent_of",
    "chats",
)
ROLES = ("student", "parent", "teacher", "curator", "administrator", "staff")
STAFF_ROLES = frozenset({"teacher", "curator", "administrator", "staff"})
STATUSES = ("active", "departed")

# Latin letters that look like Cyrillic ones: "5A" typed on an English layout is "5А".
_LOOKALIKES = str.maketrans("ABCEHKMOPTX", "АВСЕНКМОРТХ")


def normalize_class(name: str) -> str:
    """`" 5a "` and `"5А"` (Cyrillic) are the same class; tags compare the same way."""
    return "".join(name.split()).upper().translate(_LOOKALIKES)


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One roster person, as exported and as stored."""

    person_id: str
    full_name: str
    role: str
    class_name: str | None = None
    status: str = "active"
    vk_user_id: str | None = None
    max_user_id: str | None = None
    parent_of: tuple[str, ...] = ()
    chats: tuple[str, ...] = ()
    row: int = 0
    """The file row it came from (the header is row 1); 0 for a stored person."""

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def account(self, platform: str) -> str | None:
        return self.vk_user_id if platform == "vk" else self.max_user_id

    def same_as(self, other: RosterRow) -> bool:
        """Equal in everything stored (the row number aside)."""
        return self.as_dict() == other.as_dict()

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "full_name": self.full_name,
            "role": self.role,
            "class": self.class_name,
            "status": self.status,
            "vk_user_id": self.vk_user_id,
            "max_user_id": self.max_user_id,
            "parent_of": sorted(self.parent_of),
            "chats": sorted(self.chats),
        }


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one row: a catalogue key under `roster.problem.` and its values."""

    row: int
    key: str
    values: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "problem": self.key, **self.values}


@dataclass(frozen=True, slots=True)
class ChatInfo:
    """A chat with its tags: the link between classes and chats (regulation point 8)."""

    id: int
    platform: str
    platform_chat_id: str
    title: str = ""
    tags: frozenset[str] = frozenset()

    def has_class(self, class_name: str) -> bool:
        """A chat of class `5А` is tagged `5А` or `5А-<anything>` (`5А-родители`)."""
        wanted = normalize_class(class_name)
        if not wanted:
            return False
        return any(
            (t := normalize_class(tag)) == wanted or t.startswith(wanted + "-") for tag in self.tags
        )

    def matches_ref(self, ref: str) -> bool:
        """A staff member's `chats` entry: a tag (or class prefix), our id or the platform's."""
        ref = ref.strip()
        return ref in (str(self.id), self.platform_chat_id) or self.has_class(ref)
