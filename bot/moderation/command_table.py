"""The moderation commands in one table, so handlers and `/помощь` share a source.

Russian names are the primary ones (the texts are Russian by default); each has an
English alias. `key` is the canonical English id used in logs, usage keys
(`usage.<key>`) and help lines (`command.<key>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.moderation.tokens import normalize

__all__ = ["COMMANDS", "CommandSpec", "Where", "command_spec"]

Where = Literal["chat", "private", "any"]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command: its names, where it works, and whether only moderators may use it."""

    key: str
    name: str
    aliases: tuple[str, ...]
    moderator_only: bool
    where: Where = "chat"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def usage_key(self) -> str:
        return f"usage.{self.key}"

    @property
    def summary_key(self) -> str:
        return f"command.{self.key}"


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("rules", "правила", ("rules",), moderator_only=False, where="any"),
    CommandSpec("help", "помощь", ("help",), moderator_only=False, where="any"),
    CommandSpec("mystatus", "мой_статус", ("mystatus", "мойстатус"), False, "private"),
    CommandSpec("apologize", "извиниться", ("apologize", "apologise"), False, "private"),
    CommandSpec("warn", "пред", ("warn",), moderator_only=True),
    CommandSpec("warns", "преды", ("warns",), moderator_only=True),
    CommandSpec("unwarn", "снять", ("unwarn",), moderator_only=True),
    CommandSpec("block", "блок", ("block",), moderator_only=True),
    CommandSpec("unblock", "разблок", ("unblock",), moderator_only=True),
    CommandSpec("delete", "удалить", ("del", "delete"), moderator_only=True),
    CommandSpec("case", "дело", ("case",), moderator_only=True),
    CommandSpec("remove", "исключить", ("remove", "kick"), moderator_only=True),
)

_BY_NAME = {normalize(name): spec for spec in COMMANDS for name in spec.names}


def command_spec(name: str) -> CommandSpec | None:
    """The command a name (without the slash) stands for, in any case and with `ё`."""
    return _BY_NAME.get(normalize(name).lstrip("/"))
