"""Roster: the roster's own roles (teacher, curator, administrator) and staff chats.

Regulation point 8: the roster distinguishes teachers, curators and administrators
from other staff, and a staff member's `chats` entries decide which chats they keep.

Revision ID: 0005
Revises: 0004 (re-chain as needed)
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = "role IN ('student', 'parent', 'staff')"
NEW_ROLES = "role IN ('student', 'parent', 'teacher', 'curator', 'administrator', 'staff')"


def _roles(condition: str) -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint(op.f("ck_people_role"), type_="check")
        batch.create_check_constraint(op.f("ck_people_role"), condition)


def upgrade() -> None:
    _roles(NEW_ROLES)
    op.create_table(
        "person_chats",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_person_chats_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "ref", name=op.f("pk_person_chats")),
    )


def downgrade() -> None:
    op.drop_table("person_chats")
    op.execute(
        "UPDATE people SET role = 'staff' WHERE role IN ('teacher', 'curator', 'administrator')"
    )
    _roles(OLD_ROLES)
