from __future__ import annotations

from pathlib import Path

import pytest

from bot.moderation import (
    RuleSetError,
    default_ruleset,
    load_ruleset,
    parse_ruleset,
    ruleset_to_dict,
)

SCHOOL = """
version = "2026-09-s1"

[rules.flood]
number = 1
alias = "флуд"
title = "Флуд"
text = "Не флудить."
default_block_days = 2

[rules.rude]
number = 2
alias = "грубость"
title = "Грубость"
text = "Не грубить."
weight = 2
no_early_unblock = true
"""


BASE = '[rules.flood]\nnumber = 1\nalias = "ф"\ntitle = "t"\ntext = "x"\n'


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    return path


def test_default_loads_when_no_path() -> None:
    assert load_ruleset(None) == default_ruleset()


def test_school_file(tmp_path: Path) -> None:
    ruleset = load_ruleset(write(tmp_path, "rules.toml", SCHOOL))
    assert ruleset.version == "2026-09-s1"
    rude = ruleset.resolve("грубость")
    assert rude is not None and rude.weight == 2 and rude.no_early_unblock
    assert rude.default_block_days == 7 and rude.version == "2026-09-s1"


def test_version_is_a_content_hash_when_absent(tmp_path: Path) -> None:
    content = SCHOOL.replace('version = "2026-09-s1"', "")
    first = load_ruleset(write(tmp_path, "a.toml", content))
    same = load_ruleset(write(tmp_path, "b.toml", content))
    changed = load_ruleset(write(tmp_path, "c.toml", content.replace("Не флудить.", "Иначе.")))
    assert len(first.version) == 8
    assert first.version == same.version != changed.version


def test_chat_override_replaces_fields_and_adds_rules(tmp_path: Path) -> None:
    school = write(tmp_path, "rules.toml", SCHOOL)
    override = write(
        tmp_path,
        "chat.toml",
        'version = "c1"\n[rules.flood]\ndefault_block_days = 1\n'
        '[rules.ads]\nnumber = 3\nalias = "реклама"\ntitle = "Реклама"\ntext = "Без рекламы."\n',
    )
    ruleset = load_ruleset(school, override)
    assert ruleset.version == "2026-09-s1+c1"
    flood = ruleset.get("flood")
    assert flood is not None and flood.default_block_days == 1 and flood.text == "Не флудить."
    assert ruleset.resolve("реклама") is not None and len(ruleset) == 3


def test_override_of_the_default_set(tmp_path: Path) -> None:
    override = write(tmp_path, "chat.toml", "[rules.flood]\nweight = 2\n")
    ruleset = load_ruleset(None, override)
    assert ruleset.version.startswith("2026-09+") and len(ruleset.version) <= 32
    assert ruleset.get("flood").weight == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[rules.flood]\nnumber = 1\nalias = "ф"\ntitle = "t"\ntext = ""\n', "'flood'.*'text'"),
        ('[rules.flood]\nnumber = 1\nalias = "ф"\ntitle = "t"\n', "'flood'.*'text'"),
        ('[rules.flood]\nnumber = "1"\nalias = "ф"\ntitle = "t"\ntext = "x"\n', "'number'"),
        (BASE + 'weight = 0\n', "'weight'"),
        (BASE + 'wieght = 1\n', "'wieght'"),
        (BASE + 'detector = 1\n', "'detector'"),
        ('[rules.flood]\nnumber = 1\nalias = "два слова"\ntitle = "t"\ntext = "x"\n', "'alias'"),
        ('[rules.flood]\nnumber = 1\nalias = "12"\ntitle = "t"\ntext = "x"\n', "'alias'"),
        ('[rules.Flood]\nnumber = 1\nalias = "ф"\ntitle = "t"\ntext = "x"\n', "'Flood'.*code"),
        (BASE + '[rules.spam]\nnumber = 1\nalias = "с"\ntitle = "t"\ntext = "x"\n', "share"),
        ("[rules]\n", "no rules"),
        ('version = 5\n' + BASE, "version"),
        ("colour = 1\n", "unknown top-level key 'colour'"),
        ("rules = [", "not valid TOML"),
        ("[rules]\nflood = 3\n", "expected a table"),
    ],
)  # fmt: skip
def test_validation_errors_are_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path, "rules.toml", content)
    with pytest.raises(RuleSetError, match=message) as info:
        load_ruleset(path)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


def test_override_errors(tmp_path: Path) -> None:
    school = write(tmp_path, "rules.toml", SCHOOL)
    with pytest.raises(RuleSetError, match="expected a table"):
        load_ruleset(school, write(tmp_path, "a.toml", "[rules]\nflood = 1\n"))
    with pytest.raises(RuleSetError, match="unknown top-level key"):
        load_ruleset(school, write(tmp_path, "b.toml", "extra = 1\n"))
    with pytest.raises(RuleSetError, match="must be tables"):
        load_ruleset(school, write(tmp_path, "c.toml", "rules = 1\n"))
    with pytest.raises(RuleSetError, match="rule 'new': field 'title'"):
        load_ruleset(school, write(tmp_path, "d.toml", "[rules.new]\nalias = 'н'\n"))


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match="cannot read"):
        load_ruleset(tmp_path / "absent.toml")


def test_policy_table_may_live_alongside(tmp_path: Path) -> None:
    ruleset = load_ruleset(write(tmp_path, "r.toml", SCHOOL + "\n[policy]\nmax_block_days = 14\n"))
    assert len(ruleset) == 2


def test_round_trip_through_a_dict_for_the_archive() -> None:
    original = default_ruleset()
    data = ruleset_to_dict(original)
    again = parse_ruleset(data, version=data["version"])
    assert again == original


def test_combined_version_fits_storage(tmp_path: Path) -> None:
    school = write(tmp_path, "s.toml", SCHOOL.replace("2026-09-s1", "s" * 20))
    chat = write(tmp_path, "c.toml", 'version = "' + "c" * 20 + '"\n')
    version = load_ruleset(school, chat).version
    assert len(version) <= 32 and version.startswith("s" * 20 + "+")
