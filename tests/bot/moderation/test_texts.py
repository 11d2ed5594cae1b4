"""Every text key the domain names exists in both catalogues, with the same placeholders,
and every refusal the domain produces formats with the values it carries."""

from __future__ import annotations

import ast
import re
import string
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import get_args

import pytest

import bot.moderation
from bot.i18n import LANGUAGES, Texts, catalogue
from bot.moderation import (
    COMMANDS,
    Actor,
    ActorFacts,
    BlockView,
    ChatPolicy,
    ConsentWindow,
    Reason,
    Refusal,
    Rule,
    RuleSet,
    StrikeView,
    can_sanction,
    check_apology,
    close_window,
    decide_block,
    decide_unblock,
    decide_void,
    open_window,
)
from bot.moderation.blocks import UnblockKind
from bot.moderation.consent import IgnoreReason, OutcomeResult
from bot.moderation.policy import BlockMode
from bot.moderation.sanctions import _NEXT_STEP_KEYS

from .conftest import NOW

ROOT = Path(bot.moderation.__file__).parent
SECTIONS = ("refusal", "usage", "usage_problem", "command", "warning", "block", "consent")
KEY = re.compile(rf"^(?:{'|'.join(SECTIONS)})\.[a-z_]*[a-z]$")  # f-string parts end in _


def literal_keys() -> set[str]:
    """String constants shaped like our keys, and the `_Bad("problem")` usage problems."""
    keys: set[str] = set()
    for path in ROOT.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if KEY.match(node.value):
                    keys.add(node.value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_Bad":
                for part in ast.walk(node.args[0]):  # `_Bad("a" if x else "b")` too
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        keys.add(f"usage_problem.{part.value}")
    return keys


def built_keys() -> set[str]:
    keys = {str(reason) for reason in Reason}
    keys |= {spec.usage_key for spec in COMMANDS} | {spec.summary_key for spec in COMMANDS}
    keys |= set(_NEXT_STEP_KEYS.values())
    keys |= {f"block.issued_{mode}" for mode in get_args(BlockMode)}
    keys |= {f"block.lifted_{kind}" for kind in get_args(UnblockKind)}
    keys |= {f"consent.outcome_{result}" for result in get_args(OutcomeResult)}
    keys |= {f"consent.ignored_{reason}" for reason in get_args(IgnoreReason)}
    return keys


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_literal_keys_were_found() -> None:
    assert len(literal_keys()) > 20


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_exists(language: str) -> None:
    missing = sorted((literal_keys() | built_keys()) - set(catalogue(language)))
    assert missing == []


def test_placeholders_agree_between_languages() -> None:
    ru, en = catalogue("ru"), catalogue("en")
    for key in sorted(literal_keys() | built_keys()):
        assert fields_of(ru[key]) == fields_of(en[key]), key


def every_refusal(rules: RuleSet) -> list[Refusal]:
    flood, pd = rules.get("flood"), rules.get("personal_data")
    assert flood is not None and pd is not None
    policy, teacher = ChatPolicy(), Actor.person("900")
    block = BlockView(4, "101", "flood", "mute", NOW, NOW + timedelta(days=6))
    window = ConsentWindow(4, NOW, NOW + timedelta(hours=24), frozenset({"201"}), id=1)
    objected = replace(window, status="objected")
    student = ActorFacts(roster_role="student", assigned_to_chat=True)
    teacher_facts = ActorFacts(roster_role="teacher", assigned_to_chat=True)

    def apology(text: str, rule: Rule = flood, **kw: object) -> object:
        return check_apology(text, ["Простите меня все"], block, rule, policy=policy, now=NOW, **kw)  # type: ignore[arg-type]

    produced = [
        can_sanction(student, student, "1", "2"),
        can_sanction(teacher_facts, ActorFacts(is_owner=True), "1", "2"),
        can_sanction(teacher_facts, teacher_facts, "1", "2"),
        can_sanction(teacher_facts, student, "1", "1"),
        decide_block(policy, flood, 31, NOW, "101", teacher),
        decide_block(policy, flood, 0, NOW, "101", teacher),
        decide_block(policy, flood, 3, NOW, "101", teacher, current=block),
        decide_unblock(replace(block, lifted_at=NOW), None, policy, NOW, teacher, flood),
        decide_void(StrikeView(1, "flood", 1, NOW, None, NOW, 7), NOW, teacher),
        Refusal(Reason.CASE_NOT_FOUND, {"case": 7}),  # the handler's, after a lookup
        Refusal(Reason.CASE_NOT_WARNING, {"case": 7}),
        apology("Простите меня", pd),
        apology("Простите меня", early_releases=[NOW, NOW]),
        apology("Прости"),
        apology("я" * 2000),
        apology("простите  меня ВСЕ"),
        apology("Простите меня", window_open=True),
        open_window(replace(block, ends_at=NOW + timedelta(hours=1)), NOW, policy, [], rule=flood),
        close_window(window, NOW, policy),
        decide_unblock(block, window, policy, NOW, teacher, flood),
        decide_unblock(block, objected, policy, NOW, teacher, flood),
        decide_unblock(block, None, policy, NOW, teacher, flood),
    ]
    refusals = [r for r in produced if isinstance(r, Refusal)]
    assert len(refusals) == len(produced)
    return refusals


def test_every_reason_is_produced(rules: RuleSet) -> None:
    assert {r.reason_key for r in every_refusal(rules)} == set(Reason)


@pytest.mark.parametrize("language", LANGUAGES)
def test_refusals_format_with_their_params(rules: RuleSet, language: str) -> None:
    texts = Texts(language)
    for refusal in every_refusal(rules):
        template = catalogue(language)[refusal.reason_key]
        assert fields_of(template) <= set(refusal.params), refusal
        assert texts.t(refusal.reason_key, **refusal.params)


@pytest.mark.parametrize("language", LANGUAGES)
def test_usage_lines_format_with_the_codes(rules: RuleSet, language: str) -> None:
    for spec in COMMANDS:
        line = Texts(language).t(spec.usage_key, codes=rules.codes_short())
        assert "{" not in line and "\n" not in line
        assert line.count("/") >= 1
