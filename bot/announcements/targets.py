"""Who gets an announcement: chat tags with wildcards, explicit chats, or roles.

Targets are written as one comma-separated list, as an administrator would say it:

- `5А-родители`, `*-родители`, `5*`: chat tags; `*` matches any run of characters,
  case is ignored (`5а` is `5А`);
- `#12`: our chat id; `vk:2000000001` or `max:-7301`: a chat by its platform id;
- `@родители` / `@parents`, `@учителя` / `@staff`, `@ученики` / `@students`,
  `@все` / `@all`: a role, which stands for the tags its chats carry (`ROLE_TAGS`).

Roles map to tags rather than to the roster, because the chats a role reads are
the chats tagged for it; a school renaming its parents' chats edits one table.
The same list is resolved again at every run, so a chat tagged later is included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

__all__ = ["ROLE_TAGS", "ChatRef", "Resolution", "TargetError", "parse_targets", "resolve"]

ROLE_TAGS: Mapping[str, tuple[str, ...]] = {
    "parents": ("*-родители", "*-parents", "родители", "parents"),
    "staff": ("учительская", "staff", "сотрудники"),
    "students": ("*-ученики", "*-students", "ученики", "students"),
    "all": ("*",),
}
ROLE_ALIASES = {
    "родители": "parents", "учителя": "staff", "сотрудники": "staff",
    "ученики": "students", "все": "all",
}  # fmt: skip
_PLATFORM_CHAT = re.compile(r"^(vk|max):(-?\d+)$")


class TargetError(ValueError):
    """A target list that cannot be read; the message names the bad item."""


@dataclass(frozen=True, slots=True)
class ChatRef:
    """What resolution needs to know about a chat."""

    id: int
    platform: str
    platform_chat_id: str
    title: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolution:
    """The chats an announcement reaches, and the items that matched none."""

    chats: tuple[ChatRef, ...]
    unmatched: tuple[str, ...] = field(default=())


def parse_targets(text: str | Sequence[str]) -> tuple[str, ...]:
    """Split and check a target list; items keep their spelling for display."""
    items = text.split(",") if isinstance(text, str) else list(text)
    out: list[str] = []
    for raw in items:
        item = raw.strip()
        if not item:
            continue
        if item.startswith("@") and _role(item) not in ROLE_TAGS:
            known = ", ".join(f"@{r}" for r in (*ROLE_TAGS, *ROLE_ALIASES))
            raise TargetError(f"unknown role {item!r}; known: {known}")
        if item.startswith("#") and not item[1:].isdigit():
            raise TargetError(f"bad chat id {item!r}, expected e.g. #12")
        if item not in out:
            out.append(item)
    if not out:
        raise TargetError("no targets: give chat tags, chats or roles")
    return tuple(out)


def _role(item: str) -> str:
    name = item[1:].casefold()
    return ROLE_ALIASES.get(name, name)


@cache
def _pattern(tag: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(p) for p in tag.casefold().split("*")), re.DOTALL)


def _tag_match(pattern: str, tags: Iterable[str]) -> bool:
    regex = _pattern(pattern)
    return any(regex.fullmatch(t.casefold()) for t in tags)


def _matches(item: str, chat: ChatRef) -> bool:
    if item.startswith("#"):
        return chat.id == int(item[1:])
    found = _PLATFORM_CHAT.match(item)
    if found:
        return (chat.platform, chat.platform_chat_id) == (found[1], found[2])
    if item.startswith("@"):
        return any(_tag_match(p, chat.tags) for p in ROLE_TAGS[_role(item)])
    return _tag_match(item, chat.tags)


def resolve(targets: Sequence[str], chats: Iterable[ChatRef]) -> Resolution:
    """The chats any target names, each once, by id; plus the targets that named none."""
    pool = list(chats)
    chosen: dict[int, ChatRef] = {}
    unmatched: list[str] = []
    for item in targets:
        hits = [c for c in pool if _matches(item, c)]
        if not hits:
            unmatched.append(item)
        chosen.update((c.id, c) for c in hits)
    return Resolution(tuple(chosen[k] for k in sorted(chosen)), tuple(unmatched))
