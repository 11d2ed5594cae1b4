"""The adapters' bounded caches keep the newest entries and drop the oldest."""

import pytest

from adapters.recent import Recent


def test_the_oldest_goes_first_once_the_limit_is_passed() -> None:
    seen: Recent[str, int] = Recent(3)
    for i, key in enumerate("abcde"):
        seen[key] = i
    assert list(seen.items()) == [("c", 2), ("d", 3), ("e", 4)]


def test_setting_a_key_again_makes_it_the_newest() -> None:
    seen: Recent[str, str] = Recent(2)
    seen["ann"] = "1"
    seen["bob"] = "2"
    seen["ann"] = "3"  # ann is newer than bob now
    seen["cid"] = "4"
    assert dict(seen) == {"ann": "3", "cid": "4"}


def test_update_is_bounded_too() -> None:
    seen: Recent[int, int] = Recent(10)
    seen.update((i, i) for i in range(100))
    assert list(seen) == list(range(90, 100))


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Recent(0)
