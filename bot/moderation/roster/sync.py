"""Comparing a new export with the stored roster (regulation point 8).

Removal rules, as the regulation and the school's practice have them:

- a departed staff member leaves every chat of the school;
- a departed student leaves every chat of their class;
- their parents leave the chats of that class, unless another active child of
  theirs belongs to the same class or chat (siblings);
- a parent who is also staff keeps their staff chats (and a departed staff member
  who is a parent keeps the chats of their active children);
- a student who changes class leaves the old class's chats, and so do their parents
  by the same sibling rule; when a whole class moves (7А to 8А) its chats are
  retagged instead and nobody is removed.

A person missing from the new export counts as departed. Removals are planned only
for accounts on the chat's platform, and, where the chat's members are known, only
for members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from bot.moderation.roster.model import ChatInfo, RosterRow, normalize_class
from bot.moderation.roster.plan import ClassChange, Removal, Retag, SyncPlan

__all__ = ["plan_departure", "plan_sync"]

Members = Mapping[int, frozenset[str]]


class _View:
    """Chats by class and by staff reference, under one set of tags."""

    def __init__(self, chats: Sequence[ChatInfo]) -> None:
        self.chats = chats
        self.all = frozenset(c.id for c in chats)

    def of_class(self, name: str | None) -> set[int]:
        return {c.id for c in self.chats if name and c.has_class(name)}

    def staff(self, row: RosterRow) -> set[int]:
        if not row.is_staff:
            return set()
        own = {c.id for c in self.chats if any(c.matches_ref(ref) for ref in row.chats)}
        return own | self.of_class(row.class_name)


def _renames(cur: Mapping[str, RosterRow], new: Mapping[str, RosterRow]) -> dict[str, str]:
    """Classes all of whose continuing students moved to one other class, and none stayed."""
    targets: dict[str, set[str]] = defaultdict(set)
    spelled: dict[str, str] = {}
    for pid, old in cur.items():
        now = new[pid]
        if old.role != "student" or not old.active or not now.active or not old.class_name:
            continue
        src, dst = normalize_class(old.class_name), normalize_class(now.class_name or "")
        targets[src].add(dst)
        spelled.setdefault(dst, now.class_name or "")
    return {
        src: spelled[dst]
        for src, dsts in targets.items()
        if len(dsts) == 1 and (dst := next(iter(dsts))) != src and dst
    }


def _retag(chats: Sequence[ChatInfo], renames: Mapping[str, str]) -> list[Retag]:
    out = []
    for chat in chats:
        tags = []
        for tag in sorted(chat.tags):
            head, dash, tail = tag.partition("-")
            target = renames.get(normalize_class(head))
            tags.append(f"{target}{dash}{tail}" if target else tag)
        if set(tags) != set(chat.tags):
            out.append(Retag(chat.id, tuple(sorted(chat.tags)), tuple(sorted(set(tags)))))
    return out


def plan_sync(
    current: Iterable[RosterRow],
    incoming: Iterable[RosterRow],
    chats: Sequence[ChatInfo],
    members: Members | None = None,
) -> SyncPlan:
    """What applying `incoming` over the stored `current` roster would do."""
    cur = {r.person_id: r for r in current}
    new = {r.person_id: replace(r, row=0) for r in incoming}
    for pid, row in cur.items():
        new.setdefault(pid, replace(row, status="departed"))
    parents: dict[str, set[str]] = defaultdict(set)
    for row in [*cur.values(), *new.values()]:
        for child in row.parent_of:
            parents[child].add(row.person_id)
    departures = [new[p] for p in cur if cur[p].active and not new[p].active]
    renames = _renames(cur, new)
    retags = _retag(chats, renames)
    moved = {t.chat_id: frozenset(t.new_tags) for t in retags}
    old_view = _View(chats)
    new_view = _View([replace(c, tags=moved.get(c.id, c.tags)) for c in chats])

    def kids_chats(parent: RosterRow) -> set[int]:
        """The chats of the classes of a parent's active children."""
        kids = [new[c] for c in parent.parent_of if c in new and new[c].active]
        return set().union(*(new_view.of_class(k.class_name) for k in kids))

    def keep(parent: RosterRow) -> set[int]:
        return new_view.staff(parent) | kids_chats(parent)

    leave: list[tuple[RosterRow, set[int], str, str]] = []

    def with_parents(child: RosterRow, gone: set[int], reason: str) -> None:
        for pid in sorted(parents[child.person_id]):
            if new[pid].active:
                leave.append((new[pid], gone - keep(new[pid]), reason, child.person_id))

    for person in departures:
        old = cur[person.person_id]
        if old.is_staff:  # their own staff chats go too; their children's stay
            chats_out = set(old_view.all) - kids_chats(person)
        elif old.role == "student":
            chats_out = old_view.of_class(old.class_name)
        else:
            kids = [cur[c] for c in old.parent_of if c in cur]
            chats_out = set().union(*(old_view.of_class(k.class_name) for k in kids))
        leave.append((person, chats_out, "departed", person.person_id))
        if old.role == "student":
            with_parents(person, chats_out, "parent_of_departed")
    changes = []
    for pid, old in cur.items():
        now = new[pid]
        if old.role != "student" or not (old.active and now.active):
            continue
        if normalize_class(old.class_name or "") == normalize_class(now.class_name or ""):
            continue
        whole = normalize_class(old.class_name or "") in renames
        changes.append(ClassChange(pid, now.full_name, old.class_name or "",
                                   now.class_name or "", whole))  # fmt: skip
        if not whole:
            gone = old_view.of_class(old.class_name) - new_view.of_class(now.class_name)
            leave.append((now, gone, "class_change", pid))
            with_parents(now, gone, "parent_class_change")
    return SyncPlan(
        departures=tuple(departures),
        arrivals=tuple(r for p, r in new.items() if p not in cur and r.active),
        class_changes=tuple(changes),
        retags=tuple(retags),
        removals=_removals(leave, chats, members or {}),
        roster=tuple(r for p, r in new.items() if p not in cur or not cur[p].same_as(r)),
    )


def _removals(
    leave: list[tuple[RosterRow, set[int], str, str]], chats: Sequence[ChatInfo], members: Members
) -> tuple[Removal, ...]:
    by_id = {c.id: c for c in chats}
    seen: set[tuple[int, str]] = set()
    out = []
    for person, chat_ids, reason, because in leave:
        for chat_id in sorted(chat_ids):
            chat = by_id[chat_id]
            user = person.account(chat.platform)
            known = members.get(chat_id)
            if user is None or (known is not None and user not in known):
                continue
            if (chat_id, user) in seen:
                continue
            seen.add((chat_id, user))
            out.append(Removal(person.person_id, person.full_name, chat_id, chat.platform,
                               chat.platform_chat_id, user, reason, because))  # fmt: skip
    return tuple(out)


def plan_departure(
    current: Sequence[RosterRow],
    person_id: str,
    chats: Sequence[ChatInfo],
    members: Members | None = None,
) -> SyncPlan:
    """The plan of marking one person departed (the `/выбыл` command)."""
    rows = [replace(r, status="departed") if r.person_id == person_id else r for r in current]
    return plan_sync(current, rows, chats, members)
