"""Who moderates a chat, and whom a moderator may sanction (issue [4/11]).

A moderator is a platform admin of the chat (the owner included) or a person the
roster lists as a teacher, curator or administrator assigned to the chat: the
regulation has "a teacher moderate each chat", and the roster is how the school
says who that is. Students and parents use participant commands only. Nobody
sanctions the owner or another moderator; a refusal says which.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.moderation.refusal import Reason, Refusal

__all__ = ["MODERATOR_ROLES", "ActorFacts", "can_moderate", "can_sanction", "is_moderator"]

MODERATOR_ROLES = frozenset({"teacher", "curator", "administrator"})


@dataclass(frozen=True, slots=True)
class ActorFacts:
    """What the platform and the roster say about one person in one chat."""

    is_platform_admin: bool = False
    is_owner: bool = False
    roster_role: str | None = None  # teacher, curator, administrator, student, parent, staff
    assigned_to_chat: bool = False


def is_moderator(facts: ActorFacts) -> bool:
    if facts.is_owner or facts.is_platform_admin:
        return True
    return facts.roster_role in MODERATOR_ROLES and facts.assigned_to_chat


def can_moderate(facts: ActorFacts) -> Refusal | None:
    """None when the person may use moderator commands here; otherwise why not."""
    return None if is_moderator(facts) else Refusal(Reason.NOT_MODERATOR)


def can_sanction(
    actor: ActorFacts, target: ActorFacts, actor_id: str, target_id: str
) -> Refusal | None:
    """None when `actor` may warn, block or remove `target` in this chat."""
    refusal = can_moderate(actor)
    if refusal is not None:
        return refusal
    if actor_id == target_id:
        return Refusal(Reason.TARGET_IS_SELF)
    if target.is_owner:
        return Refusal(Reason.TARGET_IS_OWNER)
    if is_moderator(target):
        return Refusal(Reason.TARGET_IS_MODERATOR)
    return None
