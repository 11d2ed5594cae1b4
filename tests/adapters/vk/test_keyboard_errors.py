"""Keyboards, text chunks and the error map: the pure parts of the adapter."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.base import Button, Keyboard
from adapters.errors import (
    AuthFailed,
    FloodControl,
    InvalidRequest,
    MessengerError,
    NotAdmin,
    NotFound,
    PrivacyRefused,
    RateLimited,
    TransientError,
)
from adapters.vk_messenger import error_from, keyboard_json, split_text, vk_error, vkscript


def test_keyboard_is_inline_callback_buttons_with_json_payloads() -> None:
    kb = Keyboard.of(
        [Button("Подтвердить", {"a": "ok", "id": 7}, "positive"), Button("Снять", {"a": "undo"})],
        [Button("Блок", {"a": "block"}, "weird")],
    )
    data = json.loads(keyboard_json(kb))
    assert data["inline"] is True
    first = data["buttons"][0][0]
    assert first == {
        "action": {"type": "callback", "label": "Подтвердить", "payload": '{"a":"ok","id":7}'},
        "color": "positive",
    }
    assert data["buttons"][0][1]["color"] == "secondary"
    assert data["buttons"][1][0]["color"] == "secondary"  # unknown styles fall back


@pytest.mark.parametrize(
    "kb",
    [
        Keyboard.of(*[[Button(str(i), {})] for i in range(7)]),  # 7 rows
        Keyboard.of([Button(str(i), {}) for i in range(6)]),  # 6 columns
        Keyboard.of(*[[Button("a", {}), Button("b", {})] for _ in range(6)]),  # 12 buttons
        Keyboard.of([Button("x", {"blob": "z" * 300})]),  # payload over 255
    ],
)
def test_keyboard_limits_are_refused_before_sending(kb: Keyboard) -> None:
    with pytest.raises(InvalidRequest):
        keyboard_json(kb)


def test_split_prefers_newlines_then_spaces() -> None:
    text = "a" * 10 + "\n" + "b" * 5 + " " + "c" * 8
    assert split_text(text, 12) == ["a" * 10, "b" * 5, "c" * 8]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("", 10) == [""]
    assert split_text("a" * 10 + "\n", 10) == ["a" * 10]


@given(st.text(alphabet="ab \n\t", max_size=400), st.integers(1, 50))
def test_split_keeps_everything_but_the_cut_whitespace(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(len(c) <= limit for c in chunks)
    assert all(chunks) or chunks == [""]
    assert "".join(chunks).replace(" ", "").replace("\n", "").replace("\t", "") == (
        text.replace(" ", "").replace("\n", "").replace("\t", "")
    )


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (1, TransientError), (10, TransientError), (6, RateLimited), (9, FloodControl),
        (29, FloodControl), (917, NotAdmin), (925, NotAdmin), (5, AuthFailed),
        (100, InvalidRequest), (901, PrivacyRefused), (902, PrivacyRefused), (935, NotFound),
        (123456, MessengerError),
    ],
)  # fmt: skip
def test_error_codes(code: int, cls: type[MessengerError]) -> None:
    exc = vk_error(code, "msg", "messages.send")
    assert type(exc) is cls and exc.code == code and exc.method == "messages.send"


def test_error_shapes() -> None:
    envelope = error_from({"error_code": 6, "error_msg": "Too many"}, "m")
    assert isinstance(envelope, RateLimited)
    item = error_from({"code": 901, "description": "no"}, "messages.send")
    assert isinstance(item, PrivacyRefused) and item.code == 901
    inner = error_from({"method": "messages.delete", "error_code": 924, "error_msg": "x"}, "")
    assert isinstance(inner, NotAdmin) and inner.method == "messages.delete"
    assert type(error_from("weird", "m")) is MessengerError
    assert type(error_from({"error_msg": "no code"}, "m")) is MessengerError


def test_vkscript_passes_json_literals() -> None:
    code = vkscript([
        ("messages.send", {"peer_ids": 2000000001, "message": 'ой "кавычки"\n', "x": None}),
        ("messages.delete", {"cmids": [1, 2], "delete_for_all": True}),
    ])  # fmt: skip
    assert code == (
        'return [API.messages.send({"peer_ids": 2000000001, "message": "ой \\"кавычки\\"\\n"}),'
        'API.messages.delete({"cmids": "1,2", "delete_for_all": 1})];'
    )
