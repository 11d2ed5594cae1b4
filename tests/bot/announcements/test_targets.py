"""Target lists: tags with wildcards, explicit chats and roles."""

from __future__ import annotations

import pytest

from bot.announcements import ChatRef, TargetError, parse_targets, resolve

CHATS = [
    ChatRef(1, "vk", "2000000001", "5А родители", ("5А-родители",)),
    ChatRef(2, "vk", "2000000002", "5Б родители", ("5Б-родители",)),
    ChatRef(3, "vk", "2000000003", "5А", ("5А",)),
    ChatRef(4, "vk", "2000000004", "Учительская", ("учительская",)),
    ChatRef(5, "vk", "2000000005", "6А родители", ("6А-родители",)),
]


def ids(text: str) -> list[int]:
    return [c.id for c in resolve(parse_targets(text), CHATS).chats]


def test_wildcards_and_case() -> None:
    assert ids("*-родители") == [1, 2, 5]
    assert ids("5*") == [1, 2, 3]
    assert ids("5а-РОДИТЕЛИ") == [1]


def test_explicit_chats_and_roles_union_without_duplicates() -> None:
    assert ids("#3, vk:2000000004, 5А") == [3, 4]
    assert ids("@родители") == [1, 2, 5]
    assert ids("@staff, 5А-родители") == [1, 4]
    assert ids("@все") == [1, 2, 3, 4, 5]


def test_unmatched_items_are_reported() -> None:
    result = resolve(parse_targets("7*, 5А"), CHATS)
    assert [c.id for c in result.chats] == [3]
    assert result.unmatched == ("7*",)


@pytest.mark.parametrize("bad", ["", " , ", "@директора", "#abc"])
def test_bad_target_lists(bad: str) -> None:
    with pytest.raises(TargetError):
        parse_targets(bad)
