"""The school roster: people, their platform accounts and parent-child links.

The roster drives departures (regulation point 8): a departed student takes their
parents out of the class chats unless another child of theirs still belongs there,
so family links are rows, not a list inside a person.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

__all__ = ["FamilyLink", "Person"]

ROLES = ("student", "parent", "teacher", "curator", "administrator", "staff")
STATUSES = ("active", "departed")


class Person(Base):
    """One roster entry; `person_id` is the school's own identifier, unique per deployment."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
    )

    person_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    class_name: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    vk_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    max_user_id: Mapped[str | None] = mapped_column(String(64), index=True)


class FamilyLink(Base):
    """A parent of a child, both roster people."""

    __tablename__ = "family_links"

    parent_id: Mapped[str] = mapped_column(
        ForeignKey("people.person_id", ondelete="CASCADE"), primary_key=True
    )
    child_id: Mapped[str] = mapped_column(
        ForeignKey("people.person_id", ondelete="CASCADE"), primary_key=True, index=True
    )
