from __future__ import annotations

import pytest

from bot.moderation import ChatPolicy, Rule, RuleArchive, RuleSet, default_ruleset

TABLE = [
    (1, "obscene", "мат", True),
    (2, "insult", "оск", True),
    (3, "unlawful", "закон", False),
    (4, "personal_data", "пд", True),
    (5, "flood", "флуд", True),
    (6, "foreign_messenger", "мессенджер", True),
    (7, "account_sharing", "аккаунт", False),
]
# The shipped default block length per rule; every one within the regulation's month.
BLOCK_DAYS = {
    "obscene": 3,
    "insult": 7,
    "unlawful": 14,
    "personal_data": 14,
    "flood": 1,
    "foreign_messenger": 3,
    "account_sharing": 7,
}


def test_default_set_follows_the_design_table(rules: RuleSet) -> None:
    got = [(r.number, r.code, r.alias, r.detector) for r in rules]
    assert got == TABLE
    assert rules.version == "2026-09"
    for rule in rules:
        assert rule.title and rule.text and rule.title_en and rule.text_en
        assert rule.weight == 1
        assert rule.default_block_days == BLOCK_DAYS[rule.code]
        assert rule.version == "2026-09"
        assert rule.no_early_unblock == (rule.code == "personal_data")


def test_no_default_block_outlasts_the_default_policy(rules: RuleSet) -> None:
    """The regulation's "up to a month", as the default policy holds it: a rule may not
    ask for a block that every chat on default settings would cut short. Fails when
    either default_rules.toml or ChatPolicy's default moves past the other."""
    longest = ChatPolicy().max_block_days
    assert longest <= 31
    too_long = {r.code: r.default_block_days for r in rules if r.default_block_days > longest}
    assert not too_long, f"longer than the default policy's {longest} days: {too_long}"


@pytest.mark.parametrize(
    "token",
    ["flood", "FLOOD", "флуд", "ФЛУД", "Флуд", "5", "№5", "#5", " флуд ", "фл\u200bуд"],
)
def test_resolve_accepts_code_alias_number(rules: RuleSet, token: str) -> None:
    rule = rules.resolve(token)
    assert rule is not None and rule.code == "flood"


def test_resolve_reads_yo_as_ye() -> None:
    rule = Rule("rudeness", "грубо", 1, "Грубость", "Текст")
    ruleset = RuleSet("v", (rule,))
    assert ruleset.resolve("ГРУБО") is rule
    ruleset = RuleSet("v", (Rule("mood", "ёж", 1, "Ёж", "Текст"),))
    assert ruleset.resolve("еж") is not None and ruleset.resolve("ЁЖ") is not None


def test_resolve_folds_lookalike_letters(rules: RuleSet) -> None:
    mat = rules.resolve("мaт")  # Latin "a"
    assert mat is not None and mat.code == "obscene"


@pytest.mark.parametrize("token", ["", " ", "8", "0", "spam", "мат!", "#", "№"])
def test_resolve_unknown_is_none(rules: RuleSet, token: str) -> None:
    assert rules.resolve(token) is None


def test_get_is_canonical_only(rules: RuleSet) -> None:
    assert rules.get("flood") is not None
    assert rules.get("флуд") is None
    assert rules.get("5") is None


def test_codes_help_lists_every_rule(rules: RuleSet) -> None:
    lines = rules.codes_help().splitlines()
    assert lines[0] == "1 obscene (мат) — Нецензурная лексика"
    assert len(lines) == 7
    assert rules.codes_help("en").splitlines()[0] == "1 obscene (мат) — Obscene language"
    assert rules.codes_short().startswith("1 мат, 2 оск, 3 закон")


def test_rule_language_falls_back_to_russian() -> None:
    rule = Rule("x", "икс", 1, "Заголовок", "Текст")
    assert rule.title_for("en") == "Заголовок" and rule.text_for("en") == "Текст"


def test_duplicate_tokens_are_refused() -> None:
    with pytest.raises(ValueError, match="share"):
        RuleSet("v", (Rule("a", "один", 1, "t", "t"), Rule("b", "один", 2, "t", "t")))
    with pytest.raises(ValueError, match="share"):
        RuleSet("v", (Rule("a", "x1", 1, "t", "t"), Rule("b", "x2", 1, "t", "t")))
    with pytest.raises(ValueError, match="repeat"):
        RuleSet("v", (Rule("a", "x1", 1, "t", "t"), Rule("a", "x2", 2, "t", "t")))


def test_ambiguous_lookalike_resolves_to_nothing() -> None:
    # "cop" (Latin) and "сор" (Cyrillic) share a skeleton: only exact input finds them.
    ruleset = RuleSet("v", (Rule("a", "cop", 1, "t", "t"), Rule("b", "сор", 2, "t", "t")))
    assert ruleset.resolve("cop") is not None and ruleset.resolve("cop").code == "a"  # type: ignore[union-attr]
    assert ruleset.resolve("сор").code == "b"  # type: ignore[union-attr]
    assert ruleset.resolve("сop") is None  # mixed scripts: could be either


def test_archive_keeps_each_version() -> None:
    old = RuleSet("2025-09", (Rule("flood", "флуд", 5, "Флуд", "старый текст"),))
    new = default_ruleset()
    archive = RuleArchive.of([old]).with_set(new)
    assert archive.versions() == ["2025-09", "2026-09"]
    assert archive.rule("2025-09", "flood").text == "старый текст"  # type: ignore[union-attr]
    assert archive.rule("2026-09", "flood").text != "старый текст"  # type: ignore[union-attr]
    assert archive.rule("1999", "flood") is None
    assert archive.get("2025-09") is old
    assert RuleArchive().get("x") is None
