from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.moderation import ChatPolicy, StrikeView, active_count, active_strikes, strike_expiry

from .conftest import NOW

DAY = timedelta(days=1)


def strike(
    i: int, age_days: float, ttl: float | None = 90, voided: bool = False, w: int = 1
) -> StrikeView:
    created = NOW - timedelta(days=age_days)
    expires = created + timedelta(days=ttl) if ttl is not None else None
    return StrikeView(i, "flood", w, created, expires, NOW - DAY if voided else None)


def test_expiry_from_policy() -> None:
    assert strike_expiry(ChatPolicy(), NOW) == NOW + 90 * DAY
    assert strike_expiry(ChatPolicy(strike_ttl_days=0), NOW) is None


def test_active_count_skips_voided_and_expired() -> None:
    strikes = [strike(1, 1), strike(2, 100), strike(3, 2, voided=True), strike(4, 400, ttl=None)]
    assert active_count(strikes, NOW) == 2
    assert [s.id for s in active_strikes(strikes, NOW)] == [4, 1]


def test_expiry_boundary_is_exclusive() -> None:
    s = strike(1, 90)
    assert s.expires_at == NOW
    assert active_count([s], NOW) == 0
    assert active_count([s], NOW - timedelta(seconds=1)) == 1


def test_weights_add_up() -> None:
    assert active_count([strike(1, 1, w=2), strike(2, 1, w=3)], NOW) == 5


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        active_count([], NOW.replace(tzinfo=None))


# --- properties (issue [4/11] acceptance) ---------------------------------------------

moments = st.integers(min_value=-200, max_value=200).map(lambda h: NOW + timedelta(hours=h))
strike_rows = st.builds(
    lambda i, created, ttl, voided, weight: StrikeView(
        i,
        "flood",
        weight,
        created,
        created + timedelta(hours=ttl) if ttl is not None else None,
        created + timedelta(hours=1) if voided else None,
    ),
    st.integers(1, 10_000),
    # few distinct moments, so identical timestamps are common
    st.sampled_from([NOW - 5 * DAY, NOW - DAY, NOW, NOW + DAY]),
    st.none() | st.integers(min_value=1, max_value=400),
    st.booleans(),
    st.integers(1, 3),
)


@given(st.lists(strike_rows, max_size=12), moments, st.randoms(use_true_random=False))
def test_count_never_depends_on_order(
    strikes: list[StrikeView], now: datetime, rnd: random.Random
) -> None:
    shuffled = list(strikes)
    rnd.shuffle(shuffled)
    assert active_count(strikes, now) == active_count(shuffled, now)
    if len({(s.created_at, s.id) for s in strikes}) == len(strikes):
        assert active_strikes(strikes, now) == active_strikes(shuffled, now)


@given(st.lists(strike_rows, max_size=12), moments)
def test_voided_never_counts(strikes: list[StrikeView], now: datetime) -> None:
    live = [s for s in strikes if s.voided_at is None]
    assert active_count(strikes, now) == active_count(live, now)
    assert all(s.voided_at is None for s in active_strikes(strikes, now))


@given(st.lists(strike_rows, max_size=12), moments)
def test_expiry_is_respected(strikes: list[StrikeView], now: datetime) -> None:
    for s in active_strikes(strikes, now):
        assert s.expires_at is None or now < s.expires_at
    expected = sum(
        s.weight
        for s in strikes
        if s.voided_at is None and (s.expires_at is None or now < s.expires_at)
    )
    assert active_count(strikes, now) == expected
