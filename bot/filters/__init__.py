"""Filters decide whether a handler takes an event; a dict result feeds its arguments."""

from bot.filters.base import Filter, FilterResult, and_f, invert_f, or_f
from bot.filters.chat import ChatOnly, IsModerator, ModeratorCheck, Payload, PrivateOnly
from bot.filters.command import Command, CommandObject, command_name, parse_command
from bot.filters.text import Regexp, Text

__all__ = [
    "ChatOnly",
    "Command",
    "CommandObject",
    "Filter",
    "FilterResult",
    "IsModerator",
    "ModeratorCheck",
    "Payload",
    "PrivateOnly",
    "Regexp",
    "Text",
    "and_f",
    "command_name",
    "invert_f",
    "or_f",
    "parse_command",
]
