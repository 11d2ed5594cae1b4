"""Alembic migrations; run them through `storage.migrate`, not an ini file."""
