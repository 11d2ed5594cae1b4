"""The sync plan: who departs, who arrives, which classes change, which removals follow.

A plan is computed before anything happens (regulation point 8: "nobody is
forgotten and nobody is removed by mistake"), shown, and only then applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.moderation.roster.model import RosterRow

__all__ = ["REMOVAL_REASONS", "ClassChange", "Removal", "Retag", "SyncPlan"]

REMOVAL_REASONS = ("departed", "parent_of_departed", "class_change", "parent_class_change")


@dataclass(frozen=True, slots=True)
class Removal:
    """One person out of one chat, and why: `because` is whose departure or move it follows."""

    person_id: str
    full_name: str
    chat_id: int
    platform: str
    platform_chat_id: str
    user_id: str
    reason: str
    because: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "full_name": self.full_name,
            "chat_id": self.chat_id,
            "platform": self.platform,
            "platform_chat_id": self.platform_chat_id,
            "user_id": self.user_id,
            "reason": self.reason,
            "because": self.because,
        }


@dataclass(frozen=True, slots=True)
class ClassChange:
    person_id: str
    full_name: str
    old: str
    new: str
    moved_with_class: bool
    """True when the whole class moved (7А to 8А) and its chats are retagged instead."""


@dataclass(frozen=True, slots=True)
class Retag:
    """A class chat follows its class: tags `7А`, `7А-родители` become `8А`, `8А-родители`."""

    chat_id: int
    old_tags: tuple[str, ...]
    new_tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SyncPlan:
    departures: tuple[RosterRow, ...] = ()
    arrivals: tuple[RosterRow, ...] = ()
    class_changes: tuple[ClassChange, ...] = ()
    retags: tuple[Retag, ...] = ()
    removals: tuple[Removal, ...] = ()
    roster: tuple[RosterRow, ...] = ()
    """Rows to write: new people and changed ones (statuses included)."""
    unverified: tuple[int, ...] = ()
    """Chats whose live member list could not be read: their removals are planned
    unchecked (someone already gone is answered "not a member", counted done)."""

    @property
    def empty(self) -> bool:
        """Nothing to do: what a re-run of an applied sync finds."""
        return not (self.roster or self.retags or self.removals)

    def removals_for(self, person_id: str) -> tuple[Removal, ...]:
        return tuple(r for r in self.removals if r.because == person_id)

    def as_dict(self) -> dict[str, Any]:
        def person(r: RosterRow) -> dict[str, Any]:
            return {"person_id": r.person_id, "full_name": r.full_name, "role": r.role,
                    "class": r.class_name}  # fmt: skip

        return {
            "departures": [person(r) for r in self.departures],
            "arrivals": [person(r) for r in self.arrivals],
            "class_changes": [
                {
                    "person_id": c.person_id,
                    "full_name": c.full_name,
                    "old": c.old,
                    "new": c.new,
                    "moved_with_class": c.moved_with_class,
                }
                for c in self.class_changes
            ],
            "retags": [
                {"chat_id": t.chat_id, "old": list(t.old_tags), "new": list(t.new_tags)}
                for t in self.retags
            ],
            "removals": [r.as_dict() for r in self.removals],
            "unverified_chats": sorted(
                {r.platform_chat_id for r in self.removals if r.chat_id in self.unverified}
            ),
            "changed_people": len(self.roster),
        }
