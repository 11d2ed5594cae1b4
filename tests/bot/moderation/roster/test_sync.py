"""The sync plan and its removal rules (regulation point 8)."""

from __future__ import annotations

from dataclasses import replace

from bot.moderation.roster import ChatInfo, RosterRow, plan_departure, plan_sync

CHATS = [
    ChatInfo(1, "vk", "c1", tags=frozenset({"5А"})),
    ChatInfo(2, "vk", "c2", tags=frozenset({"5А-родители"})),
    ChatInfo(3, "vk", "c3", tags=frozenset({"5Б-родители"})),
    ChatInfo(4, "vk", "c4", tags=frozenset({"учительская"})),
    ChatInfo(5, "vk", "c5", tags=frozenset({"7А", "7А-все"})),
]


def student(pid: str, cls: str, uid: str) -> RosterRow:
    return RosterRow(pid, f"Ученик {pid}", "student", cls, vk_user_id=uid)


def parent(
    pid: str, uid: str, *kids: str, role: str = "parent", chats: tuple[str, ...] = ()
) -> RosterRow:
    return RosterRow(pid, f"Родитель {pid}", role, vk_user_id=uid, parent_of=kids, chats=chats)


def removed(plan: object) -> set[tuple[str, int]]:
    return {(r.person_id, r.chat_id) for r in plan.removals}  # type: ignore[attr-defined]


def test_sibling_in_the_same_class_keeps_the_parent() -> None:
    roster = [student("s1", "5А", "1"), student("s2", "5А", "2"), parent("p", "9", "s1", "s2")]
    plan = plan_departure(roster, "s1", CHATS)
    assert removed(plan) == {("s1", 1), ("s1", 2)}


def test_only_child_takes_the_parent_out() -> None:
    roster = [student("s1", "5А", "1"), student("s2", "5Б", "2"), parent("p", "9", "s1", "s2")]
    plan = plan_departure(roster, "s1", CHATS)
    assert removed(plan) == {("s1", 1), ("s1", 2), ("p", 1), ("p", 2)}
    assert {r.reason for r in plan.removals if r.person_id == "p"} == {"parent_of_departed"}


def test_staff_who_is_parent_keeps_staff_chats() -> None:
    teacher = parent("t", "9", "s1", role="teacher", chats=("5А-родители", "учительская"))
    plan = plan_departure([student("s1", "5А", "1"), teacher], "s1", CHATS)
    assert removed(plan) == {("s1", 1), ("s1", 2), ("t", 1)}


def test_departed_staff_leaves_every_chat() -> None:
    plan = plan_departure([RosterRow("t", "Учитель", "teacher", vk_user_id="5")], "t", CHATS)
    assert removed(plan) == {("t", c.id) for c in CHATS}


def test_departed_staff_who_is_parent_leaves_staff_chats_keeps_the_childs() -> None:
    teacher = parent("t", "9", "s1", role="teacher", chats=("учительская", "7А"))
    plan = plan_departure([student("s1", "5А", "1"), teacher], "t", CHATS)
    assert removed(plan) == {("t", 3), ("t", 4), ("t", 5)}


def test_missing_from_export_departs_and_known_members_filter() -> None:
    roster = [student("s1", "5А", "1"), student("s2", "5А", "2")]
    plan = plan_sync(roster, roster[1:], CHATS, members={1: frozenset({"1"}), 2: frozenset()})
    assert [d.person_id for d in plan.departures] == ["s1"]
    assert removed(plan) == {("s1", 1)}


def test_whole_class_move_retags_and_removes_nobody() -> None:
    roster = [student("a", "7А", "1"), student("b", "7А", "2")]
    moved = [replace(r, class_name="8А") for r in roster]
    plan = plan_sync(roster, moved, CHATS)
    assert plan.removals == ()
    assert [(t.chat_id, t.new_tags) for t in plan.retags] == [(5, ("8А", "8А-все"))]
    assert all(c.moved_with_class for c in plan.class_changes)


def test_single_transfer_leaves_the_old_class() -> None:
    roster = [student("a", "5А", "1"), student("b", "5А", "2"), parent("p", "9", "a")]
    plan = plan_sync(roster, [replace(roster[0], class_name="5Б"), *roster[1:]], CHATS)
    assert removed(plan) == {("a", 1), ("a", 2), ("p", 1), ("p", 2)}
    assert plan.retags == ()


def test_rerun_of_an_applied_sync_is_empty() -> None:
    roster = [student("s1", "5А", "1"), parent("p", "9", "s1")]
    plan = plan_departure(roster, "s1", CHATS)
    stored = {r.person_id: r for r in roster} | {r.person_id: r for r in plan.roster}
    again = plan_sync(list(stored.values()), list(stored.values()), CHATS)
    assert again.empty and again.departures == ()


def test_plan_as_json_dict() -> None:
    plan = plan_departure([student("s1", "5А", "1")], "s1", CHATS)
    data = plan.as_dict()
    assert data["departures"][0]["person_id"] == "s1"
    assert {r["chat_id"] for r in data["removals"]} == {1, 2}
