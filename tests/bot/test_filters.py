"""Filters: command parsing, text, regexp, payload and the combinators."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.base import EventKind
from bot.filters import (
    Command,
    IsModerator,
    Payload,
    Regexp,
    Text,
    command_name,
    parse_command,
)
from tests.bot.conftest import make_event


@pytest.mark.parametrize(
    ("text", "name", "args", "mention"),
    [
        ("/warn", "warn", "", ""),
        ("/Пред id1 мат", "пред", "id1 мат", ""),
        ("/warn@etiket_bot id1", "warn", "id1", "etiket_bot"),
        ("[club12|@etiket] /блок id7 3 мат", "блок", "id7 3 мат", ""),
        ("  /rules", "rules", "", ""),
        ("/warn\nid1 reason", "warn", "id1 reason", ""),
    ],
)
def test_parse_command(text: str, name: str, args: str, mention: str) -> None:
    cmd = parse_command(text)
    assert cmd is not None
    assert (cmd.name, cmd.args, cmd.mention) == (name, args, mention)
    assert command_name(text.lstrip()) == name


@pytest.mark.parametrize("text", ["", "warn", "/", "/ warn", "привет /warn", "[club1|x]"])
def test_not_a_command(text: str) -> None:
    assert parse_command(text) is None
    assert command_name(text) is None


@given(st.text(max_size=200))
def test_command_parsing_never_raises_and_agrees(text: str) -> None:
    cmd = parse_command(text)
    name = command_name(text)
    if name is not None:
        assert cmd is not None and cmd.name == name


def test_command_filter_passes_the_parsed_command() -> None:
    flt = Command("warn", "пред")
    result = flt(make_event("/ПРЕД id1"), {})
    assert isinstance(result, dict) and result["command"].argv == ["id1"]
    assert flt(make_event("/warning"), {}) is False
    with pytest.raises(ValueError, match="at least one"):
        Command()


def test_text_and_regexp() -> None:
    assert Text("привет")(make_event(" Привет "), {}) is True
    assert Text(startswith="/")(make_event("/x"), {}) is True
    assert Text(contains="телег")(make_event("пишите в ТЕЛЕГУ"), {}) is True
    with pytest.raises(ValueError, match="exactly one"):
        Text("a", contains="b")
    result = Regexp(r"id(\d+)")(make_event("кто id42"), {})
    assert isinstance(result, dict) and result["match"].group(1) == "42"
    assert Regexp("x")(make_event("y"), {}) is False


def test_payload_filter() -> None:
    press = make_event(kind=EventKind.BUTTON, payload={"action": "ack", "case": 3})
    assert Payload(action="ack")(press, {}) == {"payload": press.payload}
    assert Payload(action="vote")(press, {}) is False


async def test_combinators_merge_and_negate() -> None:
    both = Command("warn") & Regexp(r"id(\d+)")
    result = await both(make_event("/warn id5"), {})
    assert isinstance(result, dict) and {"command", "match"} <= set(result)
    assert await both(make_event("/warn nobody"), {}) is False
    either = Text("a") | Text("b")
    assert await either(make_event("b"), {}) is True
    assert await (~Text("a"))(make_event("a"), {}) is False


async def test_is_moderator_asks_the_dependency_and_refuses_without_one() -> None:
    class Mods:
        async def is_moderator(self, event: Any) -> bool:
            return bool(event.user_id == "1")

    flt = IsModerator()
    assert await flt(make_event("x", user_id="1"), {"moderators": Mods()}) is True
    assert await flt(make_event("x", user_id="2"), {"moderators": Mods()}) is False
    with pytest.raises(LookupError, match="moderators"):
        await flt(make_event("x"), {})
