"""Roster and chats: schools, chats and tags, people, family links, memberships, cursors.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
    )
    op.create_table(
        "chats",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("platform_chat_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("bot_is_admin", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_chats_school_id_schools"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chats")),
        sa.UniqueConstraint(
            "platform", "platform_chat_id", name=op.f("uq_chats_platform_platform_chat_id")
        ),
    )
    op.create_index(op.f("ix_chats_school_id"), "chats", ["school_id"], unique=False)
    op.create_table(
        "chat_tags",
        sa.Column("chat_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_chat_tags_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("chat_id", "tag", name=op.f("pk_chat_tags")),
    )
    op.create_index(op.f("ix_chat_tags_tag"), "chat_tags", ["tag"], unique=False)
    op.create_table(
        "people",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("school_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("full_name", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("class_name", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("vk_user_id", sa.String(length=64), nullable=True),
        sa.Column("max_user_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint("role IN ('student', 'parent', 'staff')", name=op.f("ck_people_role")),
        sa.CheckConstraint("status IN ('active', 'departed')", name=op.f("ck_people_status")),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_people_school_id_schools"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_people")),
    )
    op.create_index(op.f("ix_people_class_name"), "people", ["class_name"], unique=False)
    op.create_index(op.f("ix_people_max_user_id"), "people", ["max_user_id"], unique=False)
    op.create_index(op.f("ix_people_school_id"), "people", ["school_id"], unique=False)
    op.create_index(op.f("ix_people_vk_user_id"), "people", ["vk_user_id"], unique=False)
    op.create_table(
        "chat_curators",
        sa.Column("chat_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.id"],
            name=op.f("fk_chat_curators_chat_id_chats"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.person_id"],
            name=op.f("fk_chat_curators_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "person_id", name=op.f("pk_chat_curators")),
    )
    op.create_index(
        op.f("ix_chat_curators_person_id"), "chat_curators", ["person_id"], unique=False
    )
    op.create_table(
        "family_links",
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["people.person_id"],
            name=op.f("fk_family_links_child_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["people.person_id"],
            name=op.f("fk_family_links_parent_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("parent_id", "child_id", name=op.f("pk_family_links")),
    )
    op.create_index(op.f("ix_family_links_child_id"), "family_links", ["child_id"], unique=False)
    op.create_table(
        "memberships",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chat_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_rules_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_memberships_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
    )
    op.create_index("ix_memberships_chat_user", "memberships", ["chat_id", "user_id"], unique=False)
    op.create_table(
        "event_cursors",
        sa.Column("bot_key", sa.String(length=128), nullable=False),
        sa.Column("cursor", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot_key", name=op.f("pk_event_cursors")),
    )


def downgrade() -> None:
    op.drop_table("event_cursors")
    op.drop_table("memberships")
    op.drop_table("family_links")
    op.drop_table("chat_curators")
    op.drop_table("people")
    op.drop_table("chat_tags")
    op.drop_table("chats")
    op.drop_table("schools")
