"""Repositories: thin async classes over a session, one per kind of record.

Each takes the session of the caller's transaction (`Database.transaction()`), so a
decision's writes (sanction, audit record, case number) commit together.
"""

from storage.repos.announcements import Announcements
from storage.repos.audit import AuditLog
from storage.repos.blocks import Blocks
from storage.repos.chats import Chats
from storage.repos.consent import ConsentWindows
from storage.repos.cursors import Cursors, DatabaseCursors
from storage.repos.dashboard import DashboardUsers, MessageCounts, Sessions, count_message
from storage.repos.deliveries import Deliveries
from storage.repos.memberships import Memberships
from storage.repos.outbox import Outbox
from storage.repos.people import People
from storage.repos.strikes import Strikes

__all__ = [
    "Announcements",
    "AuditLog",
    "Blocks",
    "Chats",
    "ConsentWindows",
    "Cursors",
    "DashboardUsers",
    "DatabaseCursors",
    "Deliveries",
    "Memberships",
    "MessageCounts",
    "Outbox",
    "People",
    "Sessions",
    "Strikes",
    "count_message",
]
