"""Pure parsers for the moderation commands (issue [4/11]); they never raise.

A parse gives typed arguments (`WarnArgs`, `BlockArgs`, …) or a `UsageError` that
names the command's usage line and, where it helps, the problem, so the handler
answers in one message. `WarnArgs`, `BlockArgs`, `RemoveArgs` and `DeleteArgs` hold a
resolved `Rule`: a sanction command without a valid rule code does not parse
(regulation point 7), and its usage line lists the codes.
"""

from __future__ import annotations

import re

from bot.moderation.command_args import ArgReader, CommandContext, Target, parse_case
from bot.moderation.command_table import command_spec
from bot.moderation.parsed import (
    ApologizeArgs,
    BlockArgs,
    CaseArgs,
    DeleteArgs,
    HelpArgs,
    ParsedCommand,
    RemoveArgs,
    RulesArgs,
    StatusArgs,
    UnblockArgs,
    UnwarnArgs,
    UsageError,
    WarnArgs,
    WarnsArgs,
)
from bot.moderation.rules import Rule, RuleSet
from bot.moderation.tokens import clean

__all__ = ["MAX_REASON", "parse_args", "parse_command", "split_command"]

MAX_REASON = 500  # a moderator's note is a reason, not a message; the audit keeps it short
_LEADING_MENTION = re.compile(r"^\[(?:club|public)\d+\|[^\]]*\][,:]?\s*")
_HEAD = re.compile(r"/(\S+)(.*)", re.DOTALL)


class _Bad(Exception):
    """Internal: unwinds a parse to its `UsageError`; never leaves this module."""

    def __init__(self, problem: str, **params: object) -> None:
        self.problem, self.params = problem, params


def split_command(text: str) -> tuple[str, str] | None:
    """`[club1|@bot] /Пред@bot id1 мат` → ("пред", "id1 мат"); None if not a command."""
    match = _HEAD.match(_LEADING_MENTION.sub("", clean(text).lstrip(), count=1))
    if match is None:
        return None
    name = match.group(1).partition("@")[0]
    return (name.lower(), match.group(2).strip()) if name else None


def _rule(reader: ArgReader, rules: RuleSet) -> Rule:
    token = reader.take()
    if token is None:
        raise _Bad("no_rule")
    rule = rules.resolve(token)
    if rule is None:
        raise _Bad("unknown_rule", token=token[:32])
    return rule


def _target(reader: ArgReader, context: CommandContext) -> Target:
    target = reader.take_target(context)
    if target is None:
        raise _Bad("no_target" if reader.peek() is None else "bad_target")
    return target


def _case(reader: ArgReader) -> int:
    token = reader.take()
    number = parse_case(token) if token is not None else None
    if number is None:
        raise _Bad("no_case" if token is None else "bad_case")
    return number


def _parse(key: str, r: ArgReader, rules: RuleSet, ctx: CommandContext) -> ParsedCommand:
    if key == "rules":
        return RulesArgs(_rule(r, rules) if r.peek() is not None else None)
    if key == "help":
        return HelpArgs()
    if key == "mystatus":
        return StatusArgs()
    if key == "apologize":
        text = r.rest()
        if not text:
            raise _Bad("no_text")
        return ApologizeArgs(text)
    if key == "warns":
        return WarnsArgs(_target(r, ctx) if r.peek() is not None or ctx.reply_user_id else None)
    if key in ("unwarn", "case"):
        number = _case(r)
        return UnwarnArgs(number, r.rest(MAX_REASON)) if key == "unwarn" else CaseArgs(number)
    if key == "delete":
        if ctx.reply_message_id is None:
            raise _Bad("not_reply")
        author = Target(ctx.reply_user_id, "reply") if ctx.reply_user_id else None
        return DeleteArgs(ctx.reply_message_id, author, _rule(r, rules), r.rest(MAX_REASON))
    target = _target(r, ctx)
    if key == "unblock":
        return UnblockArgs(target, r.rest(MAX_REASON))
    if key == "block":
        days = r.take_days()
        if days is None:
            raise _Bad("no_days" if r.peek() is None else "bad_days")
        return BlockArgs(target, days, _rule(r, rules), r.rest(MAX_REASON))
    if key == "warn":
        return WarnArgs(target, _rule(r, rules), r.rest(MAX_REASON))
    return RemoveArgs(target, _rule(r, rules), r.rest(MAX_REASON))


def parse_args(
    command: str, args: str, rules: RuleSet, context: CommandContext | None = None
) -> ParsedCommand | UsageError | None:
    """Parse `args` of the command named `command` (any alias); None if not ours."""
    spec = command_spec(command)
    if spec is None:
        return None
    try:
        return _parse(spec.key, ArgReader(clean(args)), rules, context or CommandContext())
    except _Bad as bad:
        params: dict[str, object] = {"codes": rules.codes_short(), **bad.params}
        return UsageError(spec.key, spec.usage_key, f"usage_problem.{bad.problem}", params)


def parse_command(
    text: str, rules: RuleSet, context: CommandContext | None = None
) -> ParsedCommand | UsageError | None:
    """Parse a whole message; None when it is not one of the moderation commands."""
    split = split_command(text)
    return parse_args(split[0], split[1], rules, context) if split is not None else None
