from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from bot.moderation import ChatPolicy, PolicyError
from bot.moderation.policy import _CHOICES, _RANGES


def test_defaults_are_the_regulations() -> None:
    policy = ChatPolicy()
    assert policy.strike_threshold == 3 and policy.block_step_at == 4
    assert policy.max_block_days == 30
    assert policy.strike_ttl_days == 90
    assert (policy.on_threshold, policy.block_mode, policy.reminder) == ("propose", "mute", "chat")
    assert not policy.hold_newcomers
    assert not policy.consent_auto_open and not policy.consent_auto_unblock
    assert policy.consent_window_hours == 24 and policy.early_release_cap_per_term == 2
    assert not policy.moderator_override and not policy.notify_parents_on_block
    assert policy.language == "ru"


def test_every_field_is_validated() -> None:
    for f in fields(ChatPolicy):
        default = getattr(ChatPolicy(), f.name)
        assert f.name in _CHOICES or f.name in _RANGES or isinstance(default, bool), f.name


def test_from_mapping_and_chat_merge() -> None:
    school = ChatPolicy.from_mapping({"max_block_days": 14, "on_threshold": "auto"})
    chat = school.merged({"block_mode": "remove", "consent": {"auto_open": True}})
    assert (chat.max_block_days, chat.on_threshold, chat.block_mode) == (14, "auto", "remove")
    assert chat.consent_auto_open
    assert school.block_mode == "mute"  # the school's defaults are untouched


def test_consent_subtable_short_names() -> None:
    policy = ChatPolicy.from_mapping(
        {"consent": {"window_hours": 12, "auto_unblock": True, "moderator_override": True}}
    )
    assert policy.consent_window_hours == 12 and policy.consent_auto_unblock
    assert policy.moderator_override


def test_ttl_zero_means_never() -> None:
    assert ChatPolicy.from_mapping({"strike_ttl_days": 0}).strike_ttl_days == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"max_block_days": 0}, "'max_block_days' must be a whole number 1..365"),
        ({"max_block_days": "30"}, "'max_block_days'"),
        ({"strike_threshold": True}, "'strike_threshold'"),
        ({"strike_ttl_days": -1}, "'strike_ttl_days'"),
        ({"on_threshold": "maybe"}, "'on_threshold' must be 'propose' or 'auto'"),
        ({"block_mode": "ban"}, "'block_mode'"),
        ({"language": "de"}, "'language'"),
        ({"hold_newcomers": "yes"}, "'hold_newcomers' must be true or false"),
        ({"max_blok_days": 3}, "unknown field 'max_blok_days'"),
        ({"consent": {"auto": True}}, "unknown field 'consent.auto'"),
        ({"consent": 1}, "'consent' must be a table"),
    ],
)
def test_errors_are_one_line(data: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message) as info:
        ChatPolicy.from_mapping(data, source="school.toml [policy]")
    assert "\n" not in str(info.value) and "school.toml" in str(info.value)
