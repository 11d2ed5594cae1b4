"""The storage fixtures: every service test runs on SQLite and on PostgreSQL."""

from tests.storage.conftest import db, db_url, postgresql_url, sqlite_url

__all__ = ["db", "db_url", "postgresql_url", "sqlite_url"]
