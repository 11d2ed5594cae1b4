from __future__ import annotations

import pytest

from bot.moderation import ActorFacts, Reason, Refusal, can_moderate, can_sanction, is_moderator

TEACHER = ActorFacts(roster_role="teacher", assigned_to_chat=True)
STUDENT = ActorFacts(roster_role="student", assigned_to_chat=True)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (ActorFacts(is_platform_admin=True), True),
        (ActorFacts(is_owner=True), True),
        (ActorFacts(roster_role="teacher", assigned_to_chat=True), True),
        (ActorFacts(roster_role="curator", assigned_to_chat=True), True),
        (ActorFacts(roster_role="administrator", assigned_to_chat=True), True),
        (ActorFacts(roster_role="teacher", assigned_to_chat=False), False),
        (ActorFacts(roster_role="student", assigned_to_chat=True), False),
        (ActorFacts(roster_role="parent", assigned_to_chat=True), False),
        (ActorFacts(), False),
    ],
)
def test_who_moderates(facts: ActorFacts, expected: bool) -> None:
    assert is_moderator(facts) is expected
    assert (can_moderate(facts) is None) is expected


def test_student_is_refused_with_a_reason() -> None:
    assert can_sanction(STUDENT, ActorFacts(), "1", "2") == Refusal(Reason.NOT_MODERATOR)


def test_moderator_sanctions_a_participant() -> None:
    assert can_sanction(TEACHER, STUDENT, "1", "2") is None


def test_owner_and_moderators_are_protected() -> None:
    owner = ActorFacts(is_owner=True)
    admin = ActorFacts(is_platform_admin=True)
    assert can_sanction(TEACHER, owner, "1", "2") == Refusal(Reason.TARGET_IS_OWNER)
    assert can_sanction(TEACHER, admin, "1", "2") == Refusal(Reason.TARGET_IS_MODERATOR)
    assert can_sanction(admin, TEACHER, "1", "2") == Refusal(Reason.TARGET_IS_MODERATOR)
    assert can_sanction(TEACHER, TEACHER, "1", "1") == Refusal(Reason.TARGET_IS_SELF)
