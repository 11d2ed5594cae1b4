"""What `freeze_startup` does to the cyclic garbage collector of a running process."""

import gc
from collections.abc import Iterator

import pytest

from bot.app import GC_YOUNG, freeze_startup


@pytest.fixture
def gc_restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("gc_restored")
def test_startup_objects_leave_the_collectors_view_and_young_collections_are_rarer() -> None:
    kept = [object() for _ in range(1000)]
    before = gc.get_threshold()
    freeze_startup()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold() == (GC_YOUNG, *before[1:])
    assert GC_YOUNG > before[0]


@pytest.mark.usefixtures("gc_restored")
def test_what_the_run_makes_afterwards_is_still_collected() -> None:
    freeze_startup()

    class Node:
        other: object = None

    a, b = Node(), Node()
    a.other, b.other = b, a
    del a, b
    assert gc.collect() >= 2
