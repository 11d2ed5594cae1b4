"""`INSERT ... ON CONFLICT` for whichever of SQLite and PostgreSQL the session uses.

Both dialects spell it the same way in SQLAlchemy but through different `insert`
constructs; repositories call `insert_for` and stay dialect-free.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["insert_for"]


def insert_for(session: AsyncSession, table: Any) -> Any:
    """The dialect's `insert(table)`, which has `on_conflict_do_update/do_nothing`."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"etiket stores data in SQLite or PostgreSQL, not {name!r}")
