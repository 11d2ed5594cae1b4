"""What a parsed moderation command hands a handler: typed arguments or a usage answer.

`WarnArgs`, `BlockArgs`, `RemoveArgs` and `DeleteArgs` hold a resolved `Rule`, so a
handler cannot start a sanction without one (regulation point 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.moderation.command_args import Target
from bot.moderation.rules import Rule

__all__ = [
    "ApologizeArgs", "BlockArgs", "CaseArgs", "DeleteArgs", "HelpArgs", "ParsedCommand",
    "RemoveArgs", "RulesArgs", "StatusArgs", "UnblockArgs", "UnwarnArgs", "UsageError",
    "WarnArgs", "WarnsArgs",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class RulesArgs:
    rule: Rule | None = None  # `/правила 2` shows one rule


@dataclass(frozen=True, slots=True)
class HelpArgs:
    pass


@dataclass(frozen=True, slots=True)
class StatusArgs:
    pass


@dataclass(frozen=True, slots=True)
class ApologizeArgs:
    text: str


@dataclass(frozen=True, slots=True)
class WarnArgs:
    target: Target
    rule: Rule
    text: str = ""


@dataclass(frozen=True, slots=True)
class WarnsArgs:
    target: Target | None = None  # None: the whole chat's active strikes


@dataclass(frozen=True, slots=True)
class UnwarnArgs:
    case_number: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class BlockArgs:
    target: Target
    days: int
    rule: Rule
    text: str = ""


@dataclass(frozen=True, slots=True)
class UnblockArgs:
    target: Target
    text: str = ""


@dataclass(frozen=True, slots=True)
class DeleteArgs:
    message_id: str
    target: Target | None
    rule: Rule
    text: str = ""


@dataclass(frozen=True, slots=True)
class CaseArgs:
    case_number: int


@dataclass(frozen=True, slots=True)
class RemoveArgs:
    target: Target
    rule: Rule
    text: str = ""


ParsedCommand = (
    RulesArgs | HelpArgs | StatusArgs | ApologizeArgs | WarnArgs | WarnsArgs | UnwarnArgs
    | BlockArgs | UnblockArgs | DeleteArgs | CaseArgs | RemoveArgs
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class UsageError:
    """Not an exception: the answer "here is how to use /<command>", with a hint."""

    command: str
    usage_key: str
    problem_key: str | None = None
    params: dict[str, object] = field(default_factory=dict)
