"""The roster and departures (regulation point 8), pure: parse, validate, plan.

    bytes --parse_csv--> CsvTable --validate(mapping)--> RosterRow...
    stored roster + new rows + tagged chats --plan_sync--> SyncPlan

No I/O except `read_file`; `bot.services.roster` stores plans and queues removals.
"""

from bot.moderation.roster.csvfile import CsvTable, decode, detect_delimiter, parse_csv, read_file
from bot.moderation.roster.mapping import ColumnMapping, MappingError, parse_mapping
from bot.moderation.roster.model import (
    COLUMNS,
    ROLES,
    STAFF_ROLES,
    ChatInfo,
    RosterRow,
    RowProblem,
    normalize_class,
)
from bot.moderation.roster.plan import ClassChange, Removal, Retag, SyncPlan
from bot.moderation.roster.sync import plan_departure, plan_sync
from bot.moderation.roster.validate import Validated, validate

__all__ = [
    "COLUMNS",
    "ROLES",
    "STAFF_ROLES",
    "ChatInfo",
    "ClassChange",
    "ColumnMapping",
    "CsvTable",
    "MappingError",
    "Removal",
    "Retag",
    "RosterRow",
    "RowProblem",
    "SyncPlan",
    "Validated",
    "decode",
    "detect_delimiter",
    "normalize_class",
    "parse_csv",
    "parse_mapping",
    "plan_departure",
    "plan_sync",
    "read_file",
    "validate",
]
