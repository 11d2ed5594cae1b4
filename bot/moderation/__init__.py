"""The moderation domain: rules, policy, strikes, blocks and the consent workflow.

Pure logic, no I/O (the packaged default rules and a rules file named by the
caller are the only files read): it takes state as plain dataclasses and returns
decisions or `Refusal` values; storage and adapters carry them out.

    Refusal ........ the domain's "no"; `reason_key` is a text-catalogue key
    UsageError ..... a command that did not parse; names its usage line
    RuleSetError, PolicyError (ValueError) ... a school's file that cannot be used
"""

from bot.moderation.actor import Actor, ActorKind
from bot.moderation.apology import ApologyAccepted, check_apology, same_apology
from bot.moderation.blocks import (
    BlockDecision,
    BlockView,
    UnblockDecision,
    UnblockKind,
    decide_block,
)
from bot.moderation.command_args import CommandContext, Mention, Target, parse_days
from bot.moderation.command_table import COMMANDS, CommandSpec, command_spec
from bot.moderation.commands import parse_args, parse_command, split_command
from bot.moderation.consent import (
    ConsentWindow,
    ObjectionAccepted,
    ObjectionIgnored,
    WindowDecision,
    WindowOutcome,
    close_window,
    open_window,
    record_objection,
)
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
from bot.moderation.permissions import ActorFacts, can_moderate, can_sanction, is_moderator
from bot.moderation.policy import ChatPolicy, PolicyError
from bot.moderation.refusal import Reason, Refusal
from bot.moderation.rule_loader import (
    RuleSetError,
    default_ruleset,
    load_ruleset,
    parse_ruleset,
    ruleset_to_dict,
)
from bot.moderation.rules import Rule, RuleArchive, RuleSet
from bot.moderation.sanctions import (
    DeletionDecision,
    NextStep,
    RemovalDecision,
    VoidDecision,
    WarningDecision,
    decide_delete,
    decide_remove,
    decide_void,
    decide_warning,
)
from bot.moderation.strikes import StrikeView, active_count, active_strikes, strike_expiry
from bot.moderation.terms import Term, count_in_term, term_of
from bot.moderation.unblock import decide_expiry, decide_unblock

__all__ = [
    "COMMANDS",
    "Actor",
    "ActorFacts",
    "ActorKind",
    "ApologizeArgs",
    "ApologyAccepted",
    "BlockArgs",
    "BlockDecision",
    "BlockView",
    "CaseArgs",
    "ChatPolicy",
    "CommandContext",
    "CommandSpec",
    "ConsentWindow",
    "DeleteArgs",
    "DeletionDecision",
    "HelpArgs",
    "Mention",
    "NextStep",
    "ObjectionAccepted",
    "ObjectionIgnored",
    "ParsedCommand",
    "PolicyError",
    "Reason",
    "Refusal",
    "RemovalDecision",
    "RemoveArgs",
    "Rule",
    "RuleArchive",
    "RuleSet",
    "RuleSetError",
    "RulesArgs",
    "StatusArgs",
    "StrikeView",
    "Target",
    "Term",
    "UnblockArgs",
    "UnblockDecision",
    "UnblockKind",
    "UnwarnArgs",
    "UsageError",
    "VoidDecision",
    "WarnArgs",
    "WarningDecision",
    "WarnsArgs",
    "WindowDecision",
    "WindowOutcome",
    "active_count",
    "active_strikes",
    "can_moderate",
    "can_sanction",
    "check_apology",
    "close_window",
    "command_spec",
    "count_in_term",
    "decide_block",
    "decide_delete",
    "decide_expiry",
    "decide_remove",
    "decide_unblock",
    "decide_void",
    "decide_warning",
    "default_ruleset",
    "is_moderator",
    "load_ruleset",
    "open_window",
    "parse_args",
    "parse_command",
    "parse_days",
    "parse_ruleset",
    "record_objection",
    "ruleset_to_dict",
    "same_apology",
    "split_command",
    "strike_expiry",
    "term_of",
]
