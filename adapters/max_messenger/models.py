"""Small readers for MAX objects the adapter hands back (chat info, members)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.base import Member

__all__ = ["ChatInfo", "member_from"]


@dataclass(frozen=True, slots=True)
class ChatInfo:
    """The parts of a MAX `Chat` etiket uses (NOTES §5 chat info)."""

    chat_id: str
    type: str
    status: str
    title: str
    link: str
    """The chat's join link; empty when it has none, and then `block` is ignored."""
    owner_id: str
    participants_count: int

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> ChatInfo:
        owner = raw.get("owner_id")
        return cls(
            chat_id=str(raw.get("chat_id", "")),
            type=str(raw.get("type") or ""),
            status=str(raw.get("status") or ""),
            title=str(raw.get("title") or ""),
            link=str(raw.get("link") or ""),
            owner_id="" if owner is None else str(owner),
            participants_count=int(raw.get("participants_count") or 0),
        )


def member_from(raw: Mapping[str, Any]) -> Member:
    """A `ChatMember` as a `Member`; `name` is deprecated, first+last name preferred (§8.7)."""
    full = " ".join(p for p in (raw.get("first_name"), raw.get("last_name")) if p)
    return Member(
        user_id=str(raw["user_id"]),
        is_admin=bool(raw.get("is_admin")),
        is_owner=bool(raw.get("is_owner")),
        name=full or str(raw.get("name") or ""),
        is_bot=bool(raw.get("is_bot")),
    )
