from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.moderation import (
    COMMANDS,
    ApologizeArgs,
    BlockArgs,
    CaseArgs,
    CommandContext,
    DeleteArgs,
    HelpArgs,
    Mention,
    RemoveArgs,
    RulesArgs,
    RuleSet,
    StatusArgs,
    Target,
    UnblockArgs,
    UnwarnArgs,
    UsageError,
    WarnArgs,
    WarnsArgs,
    command_spec,
    parse_command,
    parse_days,
    split_command,
)
from bot.moderation.commands import MAX_REASON

REPLY = CommandContext(reply_user_id="555", reply_message_id="m-9")


def code(parsed: object) -> str:
    rule = getattr(parsed, "rule", None)
    assert rule is not None, parsed
    return str(rule.code)


def problem(parsed: object) -> str | None:
    assert isinstance(parsed, UsageError), parsed
    return parsed.problem_key


def test_table_has_russian_names_and_english_aliases() -> None:
    keys = [spec.key for spec in COMMANDS]
    assert len(keys) == len(set(keys))
    names = [n for spec in COMMANDS for n in spec.names]
    assert len(names) == len(set(names))
    for spec in COMMANDS:
        assert any("а" <= ch <= "я" for ch in spec.name) and spec.aliases
        assert spec.usage_key == f"usage.{spec.key}"
    moderator = {spec.key for spec in COMMANDS if spec.moderator_only}
    assert moderator == {"warn", "warns", "unwarn", "block", "unblock", "delete", "case", "remove"}
    assert command_spec("WARN") is command_spec("пред") is command_spec("/Пред")
    assert command_spec("nope") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/пред id1 мат", ("пред", "id1 мат")),
        ("/Пред@etiket_bot id1", ("пред", "id1")),
        ("[club5|@etiket] /warn 1 2", ("warn", "1 2")),
        ("/правила", ("правила", "")),
        ("/пред\nid1 мат", ("пред", "id1 мат")),
        ("\u200b/блок 1 2 3", ("блок", "1 2 3")),
        ("hello", None),
        ("/", None),
        ("", None),
        ("/@bot", None),
    ],
)
def test_split_command(text: str, expected: tuple[str, str] | None) -> None:
    assert split_command(text) == expected


@pytest.mark.parametrize(
    ("token", "days"),
    [("7", 7), ("7д", 7), ("7d", 7), ("7дн", 7), ("7Д", 7), ("30дней", 30), ("0", 0)],
)
def test_days(token: str, days: int) -> None:
    assert parse_days(token) == days


@pytest.mark.parametrize("token", ["-1", "семь", "7w", "1.5", "", "7дд"])
def test_bad_days(token: str) -> None:
    assert parse_days(token) is None


@pytest.mark.parametrize(
    ("text", "context", "target"),
    [
        ("/пред [id123|Иван Петров] мат", CommandContext(), Target("123", "mention")),
        ("/пред @id123 мат", CommandContext(), Target("123", "id")),
        ("/пред id123 мат", CommandContext(), Target("123", "id")),
        ("/пред 123 мат", CommandContext(), Target("123", "id")),
        ("/пред https://vk.com/id123 мат", CommandContext(), Target("123", "id")),
        ("/пред мат", REPLY, Target("555", "reply")),
        ("/пред id77 мат", REPLY, Target("77", "id")),
        (
            "/пред @Иван Петров мат",
            CommandContext(mentions=(Mention("m-42", "@Иван Петров"),)),
            Target("m-42", "mention"),
        ),
        ("/пред @ivan мат", CommandContext(mentions=(Mention("m-42"),)), Target("m-42", "mention")),
    ],
)
def test_warn_targets(rules: RuleSet, text: str, context: CommandContext, target: Target) -> None:
    parsed = parse_command(text, rules, context)
    assert isinstance(parsed, WarnArgs), parsed
    assert parsed.target == target and parsed.rule.code == "obscene"


def test_warn_with_text_and_any_code_form(rules: RuleSet) -> None:
    for token in ("obscene", "мат", "1", "МАТ"):
        parsed = parse_command(f"/warn id1 {token} не выражайтесь, пожалуйста", rules)
        assert isinstance(parsed, WarnArgs) and parsed.text == "не выражайтесь, пожалуйста"
        assert code(parsed) == "obscene"


def test_warn_without_code_is_refused_with_codes(rules: RuleSet) -> None:
    parsed = parse_command("/пред id1", rules)
    assert isinstance(parsed, UsageError)
    assert parsed.command == "warn" and parsed.usage_key == "usage.warn"
    assert parsed.problem_key == "usage_problem.no_rule"
    assert parsed.params["codes"] == rules.codes_short()


def test_unknown_code_and_missing_target(rules: RuleSet) -> None:
    unknown = parse_command("/пред id1 спам", rules)
    assert problem(unknown) == "usage_problem.unknown_rule"
    assert isinstance(unknown, UsageError) and unknown.params["token"] == "спам"
    assert problem(parse_command("/пред", rules)) == "usage_problem.no_target"
    assert problem(parse_command("/пред Вася мат", rules)) == "usage_problem.bad_target"


def test_reason_is_capped(rules: RuleSet) -> None:
    parsed = parse_command("/пред id1 мат " + "x" * 5000, rules)
    assert isinstance(parsed, WarnArgs) and len(parsed.text) == MAX_REASON


@pytest.mark.parametrize(
    ("text", "context", "days"),
    [
        ("/блок id5 7 флуд", CommandContext(), 7),
        ("/block id5 7d flood", CommandContext(), 7),
        ("/блок id5 7дн 5", CommandContext(), 7),
        ("/блок id5 7 дней флуд", CommandContext(), 7),
        ("/блок 7 флуд", REPLY, 7),
        ("/блок id5 31 флуд", CommandContext(), 31),  # the parser reads; decide_block refuses
    ],
)
def test_block(rules: RuleSet, text: str, context: CommandContext, days: int) -> None:
    parsed = parse_command(text, rules, context)
    assert isinstance(parsed, BlockArgs), parsed
    assert parsed.days == days and code(parsed) == "flood"


def test_block_problems(rules: RuleSet) -> None:
    assert problem(parse_command("/блок id5", rules)) == "usage_problem.no_days"
    assert problem(parse_command("/блок id5 неделю флуд", rules)) == "usage_problem.bad_days"
    assert problem(parse_command("/блок id5 7", rules)) == "usage_problem.no_rule"
    # without a reply "7" is read as a person, and "флуд" is not a number of days
    assert problem(parse_command("/блок 7 флуд", rules)) == "usage_problem.bad_days"


def test_other_commands(rules: RuleSet) -> None:
    assert parse_command("/правила", rules) == RulesArgs()
    one = parse_command("/rules 2", rules)
    assert isinstance(one, RulesArgs) and code(one) == "insult"
    assert parse_command("/помощь что-то", rules) == HelpArgs()
    assert parse_command("/мой_статус", rules) == StatusArgs()
    assert parse_command("/mystatus", rules) == StatusArgs()
    assert parse_command("/преды", rules) == WarnsArgs()
    assert parse_command("/преды", rules, REPLY) == WarnsArgs(Target("555", "reply"))
    assert parse_command("/warns id3", rules) == WarnsArgs(Target("3", "id"))
    assert parse_command("/снять 12 ошибка", rules) == UnwarnArgs(12, "ошибка")
    assert parse_command("/unwarn №12", rules) == UnwarnArgs(12, "")
    assert parse_command("/дело #4", rules) == CaseArgs(4)
    assert parse_command("/разблок id8 извинился", rules) == UnblockArgs(
        Target("8", "id"), "извинился"
    )
    removal = parse_command("/исключить id8 аккаунт чужой аккаунт", rules)
    assert isinstance(removal, RemoveArgs) and code(removal) == "account_sharing"
    assert isinstance(parse_command("/kick id8 7", rules), RemoveArgs)
    apology = parse_command("/извиниться Простите, я был неправ", rules)
    assert apology == ApologizeArgs("Простите, я был неправ")
    assert parse_command("/hello", rules) is None
    assert parse_command("не команда", rules) is None


def test_other_problems(rules: RuleSet) -> None:
    assert problem(parse_command("/снять", rules)) == "usage_problem.no_case"
    assert problem(parse_command("/дело abc", rules)) == "usage_problem.bad_case"
    assert problem(parse_command("/rules 99", rules)) == "usage_problem.unknown_rule"
    assert problem(parse_command("/извиниться", rules)) == "usage_problem.no_text"
    assert problem(parse_command("/разблок", rules)) == "usage_problem.no_target"
    assert problem(parse_command("/исключить id3", rules)) == "usage_problem.no_rule"


def test_delete_needs_a_reply(rules: RuleSet) -> None:
    parsed = parse_command("/удалить флуд реклама", rules, REPLY)
    assert isinstance(parsed, DeleteArgs)
    assert parsed.message_id == "m-9" and parsed.target == Target("555", "reply")
    assert code(parsed) == "flood" and parsed.text == "реклама"
    assert problem(parse_command("/del флуд", rules)) == "usage_problem.not_reply"
    assert problem(parse_command("/del", rules, REPLY)) == "usage_problem.no_rule"


def test_lookalike_and_invisible_characters(rules: RuleSet) -> None:
    parsed = parse_command("/пред id1 м\u200baт", rules)  # zero-width and Latin "a"
    assert isinstance(parsed, WarnArgs) and code(parsed) == "obscene"


def test_huge_message_is_fine(rules: RuleSet) -> None:
    parsed = parse_command("/пред id1 мат " + "я" * 100_000, rules)
    assert isinstance(parsed, WarnArgs)
    assert problem(parse_command("/пред " + "[" * 100_000, rules)) == "usage_problem.bad_target"


contexts = st.builds(
    CommandContext,
    st.none() | st.text(max_size=5),
    st.none() | st.text(max_size=5),
    st.lists(st.builds(Mention, st.text(max_size=5), st.text(max_size=8)), max_size=2).map(tuple),
)
names = st.sampled_from([n for spec in COMMANDS for n in spec.names])
tokens = st.sampled_from(["id1", "[id2|Имя Фамилия]", "@id3", "7", "7д", "мат", "#3", "@x", "-"])


@settings(max_examples=300)
@given(st.text(max_size=200), contexts)
def test_parser_never_raises_on_any_text(rules: RuleSet, text: str, ctx: CommandContext) -> None:
    result = parse_command(text, rules, ctx)  # returns; never raises
    if "/" not in text:
        assert result is None


@settings(max_examples=300)
@given(names, st.lists(tokens | st.text(max_size=10), max_size=6), contexts)
def test_commands_parse_or_explain(
    rules: RuleSet, name: str, args: list[str], ctx: CommandContext
) -> None:
    result = parse_command("/" + name + " " + " ".join(args), rules, ctx)
    assert result is not None  # a known command always answers something
    if isinstance(result, UsageError):
        assert result.usage_key == f"usage.{result.command}"
        assert result.problem_key is not None and "codes" in result.params
