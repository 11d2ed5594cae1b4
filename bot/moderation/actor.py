"""Who did something: a person, a detector (with its version) or the bot's own clock.

The audit log (issue [4/11]) records the actor of every action; a decision carries
its actor so that the storage write and the audit row are made from one value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = ["Actor", "ActorKind", "ensure_aware"]

ActorKind = Literal["person", "detector", "system"]


@dataclass(frozen=True, slots=True)
class Actor:
    """`person` has a platform user id; `detector` a name and version; `system` neither."""

    kind: ActorKind
    user_id: str | None = None
    detector: str | None = None
    detector_version: str | None = None

    @classmethod
    def person(cls, user_id: str) -> Actor:
        return cls("person", user_id=user_id)

    @classmethod
    def from_detector(cls, name: str, version: str) -> Actor:
        return cls("detector", detector=name, detector_version=version)

    @classmethod
    def system(cls) -> Actor:
        return cls("system")


def ensure_aware(moment: datetime, name: str = "now") -> datetime:
    """Refuse a naive datetime: the domain compares moments, and naive ones lie."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {moment!r}")
    return moment
