"""The parsers' contract under structure-aware generation (hypothesis).

Both `parse_update`s promise (module docstrings of `adapters.vk_messenger.parse` and
`adapters.max_messenger.parse`) to return an `Event` or None and never to raise, so
the long poll and the webhook log nothing and skip a broken update. What they return
must be usable: ids of the platform's int64 kind, a finite time, a real message id.
The last test sends generated command texts through the whole bot.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import PARSERS, FuzzBot, check_event
from tests.fuzz.seeds import STUDENTS, TEACHER, VK_CHAT, stamp, vk_message_new
from tests.fuzz.strategies import command_texts, json_values, max_updates, vk_updates

FAST = settings(
    max_examples=1200,
    derandomize=True,  # the same examples on every run; `ETIKET_FUZZ_SEED` drives the rest
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _contract(platform: str, raw: Any) -> None:
    event = PARSERS[platform](raw)  # raises only on a broken contract: the test fails
    if event is not None:
        check_event(platform, event)


@FAST
@given(vk_updates)
def test_vk_parse_returns_a_usable_event_or_none(raw: Any) -> None:
    _contract("vk", raw)


@FAST
@given(max_updates)
def test_max_parse_returns_a_usable_event_or_none(raw: Any) -> None:
    _contract("max", raw)


@settings(FAST, max_examples=800)
@given(st.sampled_from(sorted(PARSERS)), json_values)
def test_any_json_at_all_is_skipped_or_parsed(platform: str, raw: Any) -> None:
    _contract(platform, raw)


def test_command_texts_through_the_bot(database: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Generated texts from a moderator and from a student, some as a reply: each is
    answered when it is a command, and no handler fails."""
    serials = itertools.count(1)
    with asyncio.Runner() as runner:
        running = FuzzBot.running("vk", database, lambda: caplog.records)
        bot = runner.run(running.__aenter__())
        try:

            @settings(FAST, max_examples=500)
            @given(command_texts, st.sampled_from((TEACHER, STUDENTS[0])), st.booleans())
            def one(text: str, author: int, reply: bool) -> None:
                extra = {"reply_message": {"conversation_message_id": 7, "from_id": STUDENTS[1]}}
                raw = vk_message_new(text, author=author, peer=VK_CHAT, **(extra if reply else {}))
                out = runner.run(bot.push(stamp(raw, next(serials))))
                assert out.category != "logged", [r.getMessage() for r in out.errors]

            one()
            runner.run(bot.drain())
        finally:
            runner.run(running.__aexit__(None, None, None))
    assert bot.tally["answered"] > 0 and bot.tally["silent"] > 0, bot.tally
