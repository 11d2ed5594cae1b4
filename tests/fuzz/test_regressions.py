"""What the fuzzer found, one input each, so the fixes stay fixed (issue [11/11]).

Parsers: ids beyond int64 or in other scripts' digits, a message id or a time of
the wrong type, a press without a presser, a kick of someone unnamed. Handlers:
payload numbers that are `Infinity` or 400 digits long, payload ids that are text,
commands after a line break or with a zero-width character, targets in Arabic-Indic
digits.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from adapters.base import EventKind
from adapters.max_messenger import parse_update as max_parse
from adapters.vk_messenger import mentions_in
from adapters.vk_messenger import parse_update as vk_parse
from bot.services.payload import payload_id, payload_int
from tests.fuzz.harness import FuzzBot
from tests.fuzz.seeds import (
    MAX_TS,
    STUDENTS,
    TEACHER,
    VK_CHAT,
    VK_GROUP,
    VK_STAFF,
    max_callback,
    max_created,
    stamp,
    vk_action,
    vk_button,
    vk_message_new,
)

HUGE = 10**30


def _vk_with(**message: Any) -> dict[str, Any]:
    return vk_message_new("привет", **message)


@pytest.mark.parametrize(
    "raw",
    [
        _vk_with(peer=2**63),
        _vk_with(peer=2**64 + VK_CHAT),
        _vk_with(author=HUGE),
        vk_button({"cmd": "ping_ok"}, user=HUGE),
        vk_action("chat_kick_user", HUGE),
        # A kick naming someone unreadable used to be the kick of its author (the admin).
        vk_message_new("", action={"type": "chat_kick_user", "member_id": "203"}),
    ],
)
def test_vk_rejects_what_names_nobody(raw: dict[str, Any]) -> None:
    assert vk_parse(raw) is None


def test_vk_reply_author_and_mentions_are_int64_ascii() -> None:
    reply = {"conversation_message_id": 5, "from_id": 2**64}
    event = vk_parse(_vk_with(reply_message=reply))
    assert event is not None and (event.reply_to_message_id, event.reply_to_user_id) == ("5", "")
    assert mentions_in("[id١٢|Вася] @id12345678901234567890 [id7|x]") == ("7",)


def _max_with(**body: Any) -> dict[str, Any]:
    raw = max_created("привет")
    raw["message"]["body"].update(body)
    return raw


def _max_chat(chat: Any) -> dict[str, Any]:
    raw = max_created("привет")
    raw["message"]["recipient"]["chat_id"] = chat
    return raw


@pytest.mark.parametrize(
    "raw",
    [
        _max_chat("²"),  # `str.isdigit` is true for it, `int()` fails
        _max_chat("١٢٣"),
        _max_chat("--5"),
        _max_chat(2**63),
        *(_max_with(mid=mid) for mid in (None, "", {}, [], True, 1.5, math.nan)),
        *({**max_created("x"), "timestamp": t} for t in (math.nan, math.inf, "0", True, None)),
        {**max_callback('{"cmd":"ping_ok"}'), "callback": {"callback_id": "c", "payload": "x"}},
    ],
)
def test_max_rejects_unusable_ids_message_ids_and_times(raw: dict[str, Any]) -> None:
    assert max_parse(raw) is None


def test_max_mention_links_are_ascii_ids() -> None:
    event = max_parse(max_created("/пред max://user/١٢ и max://user/7 мат"))
    assert event is not None and event.mentions == ("7",)


def test_max_keeps_a_message_whose_reply_link_is_broken() -> None:
    raw = max_created("привет")
    raw["message"]["link"] = {"type": "reply", "message": {"mid": {"a": 1}}}
    event = max_parse(raw)
    assert event is not None and event.reply_to_message_id == "" and event.timestamp > 0
    assert event.timestamp == MAX_TS / 1000


@pytest.mark.parametrize(
    ("value", "number", "id_"),
    [
        (7, 7, "7"),
        ("12", 12, "12"),
        (-5, None, "-5"),
        (math.inf, None, None),
        (1.0, None, None),
        (True, None, None),
        (HUGE, None, None),
        ("9" * 5000, None, None),
        ("²", None, None),
        ("١٢", None, None),
        (" 201", None, None),
        ("2000000001x", None, None),
        ([1], None, None),
        (None, None, None),
    ],
)
def test_payload_numbers_and_ids(value: Any, number: int | None, id_: str | None) -> None:
    assert payload_int({"k": value}, "k") == number
    assert payload_id({"k": value}, "k") == id_


BUTTONS = [
    {"cmd": "det_review", "f": math.inf, "a": "warn"},
    {"cmd": "det_review", "f": HUGE, "a": "fp"},
    {"cmd": "det_warning", "c": str(VK_CHAT), "n": -math.inf, "a": "void"},
    {"cmd": "det_warning", "c": "2000000001x", "n": 1, "a": "ok"},
    {"cmd": "c_open", "a": HUGE},
    {"cmd": "c_reject", "a": math.inf},
    {"cmd": "c_object", "w": HUGE},
    {"cmd": "c_confirm", "w": -math.inf},
    {"cmd": "propose_block", "c": str(VK_CHAT), "u": "201", "d": math.inf, "r": "obscene"},
    {"cmd": "propose_block", "c": str(VK_CHAT), "u": " 201", "d": 7, "r": "obscene"},
    {"cmd": "propose_block", "c": 1e308, "u": "201", "d": 7, "r": "obscene"},
]


async def test_odd_payload_numbers_get_an_answer_not_an_error(
    database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with FuzzBot.running("vk", database, lambda: caplog.records) as bot:
        for serial, payload in enumerate(BUTTONS, 1):
            out = await bot.push(stamp(vk_button(payload), serial))
            assert out.category == "answered", (payload, out.errors)
            assert [kind for kind, _, _ in out.calls] == ["answer"], (payload, out.calls)
        # `/объявление`'s confirm button in the staff chat, by its moderator: "²" was int()-ed.
        out = await bot.push(stamp(vk_button({"cmd": "announce_ok", "id": "²"}, peer=VK_STAFF), 99))
        assert out.calls == [("answer", "", "Это объявление уже подтверждено или отменено.")]


COMMANDS = [
    ("\n/помощь", "send"),  # the router's command index skipped a leading line break
    (" /пинг", "send"),
    ("/пред\u200b", "send"),  # a zero-width mark in the name reached no handler
    ("/\u200bправила", "send"),
]


async def test_commands_with_odd_spacing_are_answered(
    database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with FuzzBot.running("vk", database, lambda: caplog.records) as bot:
        for serial, (text, kind) in enumerate(COMMANDS, 1):
            out = await bot.push(stamp(vk_message_new(text, author=TEACHER), serial))
            assert [k for k, _, _ in out.calls] == [kind], (text, out.calls)
        # Arabic-Indic digits are no VK id: the usage, not the removal of user "١٢".
        out = await bot.push(stamp(vk_message_new("/исключить ١٢ мат", author=TEACHER), 50))
        [(kind, chat, text)] = out.calls
        assert (kind, chat) == ("send", str(VK_CHAT)) and text.startswith("Не удалось понять")
        assert bot.tally["logged"] == 0


async def test_a_max_username_is_nobody_to_block(
    database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """MAX marks up `@vasya` with only a `user_link` when it has no id: the block went
    to user "@vasya" (the outbox, the audit log, the platform's error)."""
    markup = [{"type": "user_mention", "from": 6, "length": 6, "user_link": "@vasya"}]
    async with FuzzBot.running("max", database, lambda: caplog.records) as bot:
        for serial, text in enumerate(("/блок @vasya 3 мат", "/исключить @vasya мат"), 1):
            body = {"mid": "m", "text": text, "markup": markup}
            out = await bot.push(stamp(max_created(text, sender=TEACHER, body=body), serial))
            [(kind, _, answer)] = out.calls
            assert kind == "send" and answer.startswith("Не удалось понять, о ком речь"), out


def test_a_join_by_link_still_names_the_author() -> None:
    event = vk_parse(vk_action("chat_invite_user_by_link", None, author=STUDENTS[3]))
    assert event is not None and event.kind is EventKind.MEMBER_JOINED
    assert event.user_id == str(STUDENTS[3])
    bot_added = vk_parse(vk_action("chat_invite_user", -VK_GROUP))
    assert bot_added is not None and bot_added.kind is EventKind.BOT_ADDED
