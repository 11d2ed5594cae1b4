"""Reading the arguments of a command: targets, days, case numbers.

Targets come by reply, by mention (VK `[id123|Имя]`, `@id123`; MAX mentions are
passed in by the adapter as user ids with the text they cover) or by a bare platform
id (`123`, `id123`, a `vk.com/id123` link). When the command is a reply, a bare
number is not read as a person, so `/блок 7 мат` in reply means seven days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.moderation.tokens import clean, normalize

__all__ = ["ArgReader", "CommandContext", "Mention", "Target", "parse_case", "parse_days"]

_TOKEN = re.compile(r"\S+")
# Ids are ASCII digits: `\d` also takes "١٢" (Arabic-Indic), which no platform knows.
_VK_MENTION = re.compile(r"\[id([0-9]{1,19})\|[^\]\n]{0,200}\]")
_USER_ID = re.compile(r"^(?:https?://)?(?:m\.)?(?:vk\.com/|vk\.ru/)?[@*]?id([0-9]{1,19})$")
_BARE_ID = re.compile(r"^[0-9]{1,19}$")
_DAYS = re.compile(r"^(\d{1,6})(д|дн|дней|дня|день|d|day|days)?\.?$")
_DAY_WORDS = frozenset({"д", "дн", "дн.", "дней", "дня", "день", "d", "day", "days"})
_CASE = re.compile(r"^(\d{1,12})$")


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention the platform marked up: whose it is and the text it covers."""

    user_id: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class CommandContext:
    """What the handler knows beyond the text: the replied-to message and mentions."""

    reply_user_id: str | None = None
    reply_message_id: str | None = None
    mentions: tuple[Mention, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Target:
    """The person a command is about, and how they were named."""

    user_id: str
    source: Literal["reply", "mention", "id"]


def parse_days(token: str) -> int | None:
    """`7`, `7д`, `7d`, `7дн` → 7; anything else → None."""
    match = _DAYS.match(normalize(token))
    return int(match.group(1)) if match else None


def parse_case(token: str) -> int | None:
    """`12`, `#12`, `№12` → 12."""
    match = _CASE.match(normalize(clean(token).strip().removeprefix("#").removeprefix("№")))
    return int(match.group(1)) if match else None


class ArgReader:
    """Reads a command's arguments left to right without splitting a 100 kB text."""

    def __init__(self, args: str) -> None:
        self.args = args
        self.pos = 0

    def _skip_space(self) -> None:
        while self.pos < len(self.args) and self.args[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str | None:
        match = _TOKEN.search(self.args, self.pos)
        return match.group() if match else None

    def take(self) -> str | None:
        match = _TOKEN.search(self.args, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return match.group()

    def rest(self, limit: int | None = None) -> str:
        text = self.args[self.pos :].strip()
        self.pos = len(self.args)
        return text[:limit] if limit is not None else text

    def take_days(self) -> int | None:
        token = self.peek()
        days = parse_days(token) if token is not None else None
        if days is not None:
            self.take()
            word = self.peek()
            if word is not None and normalize(word) in _DAY_WORDS:
                self.take()  # "7 дней"
        return days

    def take_target(self, context: CommandContext) -> Target | None:
        """An explicit target at the reader's position, else the reply's author."""
        self._skip_space()
        head = self.args[self.pos : self.pos + 256]
        vk = _VK_MENTION.match(head)
        if vk is not None:
            self.pos += vk.end()
            return Target(vk.group(1), "mention")
        for mention in context.mentions:
            if mention.text and head.startswith(mention.text):
                self.pos += len(mention.text)
                return Target(mention.user_id, "mention")
        token = self.peek()
        if token is not None:
            norm = normalize(token)
            by_id = _USER_ID.match(norm)
            if by_id is not None:
                self.take()
                return Target(by_id.group(1), "id")
            if norm.startswith("@") and context.mentions and not context.mentions[0].text:
                self.take()
                return Target(context.mentions[0].user_id, "mention")
            if context.reply_user_id is None and _BARE_ID.match(norm):
                self.take()
                return Target(norm, "id")
        if context.reply_user_id is not None:
            return Target(context.reply_user_id, "reply")
        return None
