"""Platform actions count their claims, so a call cut off by a crash is recognisable.

Issue [11/11], exactly-once effects: `attempts` counts recorded outcomes; `claims`
counts the times a process took the row. A row claimed more often than it has
outcomes was being carried out by a process that died: the call may have reached
the platform, so the next claimer looks it up (MAX) or relies on the platform's
own dedup of the same key (VK `random_id`) instead of calling blindly.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("platform_actions") as batch:
        batch.add_column(sa.Column("claims", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("platform_actions") as batch:
        batch.drop_column("claims")
