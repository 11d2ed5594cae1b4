"""SQLAlchemy models: everything etiket must not lose.

Import from here; `Base.metadata` holds every table, which is what the Alembic
migrations are checked against.
"""

from storage.models.announcements import (
    ANNOUNCEMENT_STATUSES,
    DELIVERY_STATUSES,
    Announcement,
    AnnouncementRun,
    Delivery,
)
from storage.models.audit import ACTOR_KINDS, AuditRecord, CaseCounter
from storage.models.base import Base, UTCDateTime, utcnow
from storage.models.consent import WINDOW_STATUSES, Apology, ConsentWindow, Objection
from storage.models.cursor import EventCursor
from storage.models.dashboard import (
    DASHBOARD_ROLES,
    DashboardSession,
    DashboardUser,
    DashboardUserChat,
    DashboardUserClass,
    LoginFailure,
    MessageCount,
)
from storage.models.membership import Membership
from storage.models.outbox import OUTBOX_STATUSES, PlatformAction
from storage.models.people import FamilyLink, Person
from storage.models.roster import PersonChat, RosterSync
from storage.models.sanctions import BLOCK_MODES, Block, Strike
from storage.models.school import Chat, ChatCurator, ChatTag, School

__all__ = [
    "ACTOR_KINDS",
    "ANNOUNCEMENT_STATUSES",
    "BLOCK_MODES",
    "DASHBOARD_ROLES",
    "DELIVERY_STATUSES",
    "OUTBOX_STATUSES",
    "WINDOW_STATUSES",
    "Announcement",
    "AnnouncementRun",
    "Apology",
    "AuditRecord",
    "Base",
    "Block",
    "CaseCounter",
    "Chat",
    "ChatCurator",
    "ChatTag",
    "ConsentWindow",
    "DashboardSession",
    "DashboardUser",
    "DashboardUserChat",
    "DashboardUserClass",
    "Delivery",
    "EventCursor",
    "FamilyLink",
    "LoginFailure",
    "Membership",
    "MessageCount",
    "Objection",
    "Person",
    "PersonChat",
    "PlatformAction",
    "RosterSync",
    "School",
    "Strike",
    "UTCDateTime",
    "utcnow",
]
