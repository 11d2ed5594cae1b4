"""etiket's storage: the database (models, repositories, migrations) and ephemeral state.

`Database` and the repositories hold what must survive; `storage.state` holds what
may be lost (dedup, flood counters, rate limits, locks).
"""

from storage.db import Database, make_engine, session_factory
from storage.migrate import upgrade, upgrade_sync
from storage.state import EphemeralState, make_state

__all__ = [
    "Database",
    "EphemeralState",
    "make_engine",
    "make_state",
    "session_factory",
    "upgrade",
    "upgrade_sync",
]
