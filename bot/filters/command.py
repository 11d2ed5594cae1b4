"""Slash commands: `Command("warn", "пред")` passes a parsed `CommandObject` on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from adapters.base import Event
from bot.filters.base import Filter, FilterResult
from bot.moderation.tokens import ZERO_WIDTH

__all__ = ["Command", "CommandObject", "command_name", "parse_command"]

# VK prepends the bot's mention when someone addresses the community in a chat:
# "[club123|@etiket] /warn ...". MAX users may write "/warn@etiket_bot".
_LEADING_MENTION = re.compile(r"^\[(?:club|public)\d+\|[^\]]*\][,:]?\s*")
PREFIXES = "/"


@dataclass(frozen=True, slots=True)
class CommandObject:
    """A parsed command: `/Пред@bot id123 мат spam` → name "пред", argv ["id123", "мат", "spam"]."""

    prefix: str
    name: str
    mention: str
    args: str

    @property
    def argv(self) -> list[str]:
        return self.args.split()


def _strip(text: str) -> str:
    if text.startswith("["):
        return _LEADING_MENTION.sub("", text, count=1)
    return text


def command_name(text: str, prefixes: str = PREFIXES) -> str | None:
    """The lowercased command name, or None; cheap enough for every message.

    It must agree with `parse_command`: the router indexes handlers by this name, so a
    command `parse_command` reads (after a line break, with a zero-width character in
    its name) but this one does not would reach no handler and get no answer.
    """
    if text[:1].isspace():
        text = text.lstrip()
    if not text:
        return None
    if text[0] not in prefixes:
        if text[0] != "[":
            return None
        text = _strip(text)
        if not text or text[0] not in prefixes:
            return None
    end = len(text)
    for i in range(1, len(text)):
        ch = text[i]
        if ch.isspace() or ch == "@":
            end = i
            break
    name = ZERO_WIDTH.sub("", text[1:end]).lower()
    return name or None


def parse_command(text: str, prefixes: str = PREFIXES) -> CommandObject | None:
    """Split a command message into its parts, or None when it is not one."""
    text = _strip(text.lstrip())
    if not text or text[0] not in prefixes:
        return None
    head, _, args = text.partition(" ")
    if "\n" in head:
        head, _, rest = head.partition("\n")
        args = rest + (" " + args if args else "")
    name, _, mention = head[1:].partition("@")
    name = ZERO_WIDTH.sub("", name)  # invisible marks never defeat a command (tokens.py)
    if not name:
        return None
    return CommandObject(prefix=head[0], name=name.lower(), mention=mention, args=args.strip())


class Command(Filter):
    """Passes for any of the given names (case-insensitive), adding `command`."""

    def __init__(self, *names: str, prefixes: str = PREFIXES) -> None:
        if not names:
            raise ValueError("Command() needs at least one name")
        self.names = frozenset(n.lower().lstrip(prefixes) for n in names)
        self.prefixes = prefixes

    def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        text = event.text
        if not text:
            return False
        cmd = parse_command(text, self.prefixes)
        if cmd is None or cmd.name not in self.names:
            return False
        return {"command": cmd}

    def __repr__(self) -> str:
        return f"Command({', '.join(sorted(self.names))})"
