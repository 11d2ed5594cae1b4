"""What only the in-process state promises: memory stays bounded without a sweeper."""

from __future__ import annotations

from storage.state import MemoryState


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_expired_entries_are_dropped_lazily() -> None:
    clock = FakeClock()
    state = MemoryState(clock=clock)
    for i in range(1000):
        await state.remember(f"event-{i}", ttl=60)
        await state.hit(f"user-{i}", window=10)
        await state.reserve(f"bucket-{i}", rate=5)
    assert len(state) == 3000
    clock.now += 61
    await state.remember("fresh", ttl=60)
    assert len(state) == 1
    assert await state.remember("event-1", ttl=60) is True


async def test_renewed_key_survives_its_old_deadline() -> None:
    clock = FakeClock()
    state = MemoryState(clock=clock)
    await state.hit("user", window=10)
    clock.now += 8
    await state.hit("user", window=10)  # renews the key's deadline to now + 10
    clock.now += 5
    assert await state.hit("user", window=10) == 2
