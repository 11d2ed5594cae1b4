from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.moderation import ChatPolicy, Rule, RuleSet, default_ruleset

NOW = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return default_ruleset()


@pytest.fixture(scope="session")
def policy() -> ChatPolicy:
    return ChatPolicy()


@pytest.fixture(scope="session")
def flood(rules: RuleSet) -> Rule:
    rule = rules.get("flood")
    assert rule is not None
    return rule


@pytest.fixture(scope="session")
def personal_data(rules: RuleSet) -> Rule:
    rule = rules.get("personal_data")
    assert rule is not None
    return rule
