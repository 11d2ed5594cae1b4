"""100,000 random and mutated updates and command texts through the whole bot.

Issue [11/11]: they go through parse, the intake, the dispatcher with etiket's
routers and handlers, the services and the outbox (`harness.FuzzBot`); the loop
never stops, and each input is accounted for: refused by the parser, dropped as a
redelivery, answered, or handled silently. A handler that fails is a bug the fuzzer
found: the run fails and names the input, the seed and how to replay it.

    ETIKET_FUZZ_SEED=123 .venv/bin/pytest tests/fuzz -k pipeline

After the storm a sentinel checks the bot is still alive: a real violation gets its
warning, `/пинг` its answer, and a handler that raises is logged and answered.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.services.commands import Commands
from tests.fuzz.harness import CATEGORIES, FuzzBot, Outcome
from tests.fuzz.mutate import Mutator, describe
from tests.fuzz.seeds import MAX_CHAT, SEEDS, TEACHER, VK_CHAT, max_created, stamp, vk_message_new

SEED = int(os.environ.get("ETIKET_FUZZ_SEED", "20260302"))
TICK_EVERY = 1000
"""Inputs between two moves of the clock (two hours): blocks end, windows close."""


@dataclass(frozen=True)
class Stream:
    name: str
    inputs: int
    mutate: float = 0.0
    """The share of inputs whose structure is mutated (1 to 4 times)."""
    messages: float = 1.0
    """The share built from message shapes; the rest are presses, joins, other types."""
    commands: float = 0.0
    """The share of message texts that are commands."""
    random: bool = False
    """No seed: dicts of known keys and odd values (`Mutator.random_update`)."""


# Random updates mostly stop at the parser; mutated updates are mostly chat talk;
# commands are well-formed messages carrying command texts. Commands, presses and
# violations cost a decision in the database each (milliseconds), plain talk a tenth
# of one, which is what holds the run to about a minute.
STREAMS = (
    Stream("random", 10_000, random=True),
    Stream("updates", 37_000, mutate=0.9, messages=0.85, commands=0.03),
    Stream("commands", 3_000, mutate=0.15, commands=1.0),
)
PLATFORMS = ("vk", "max")
PER_PLATFORM = sum(s.inputs for s in STREAMS)


def test_the_plan_is_100000_inputs() -> None:
    assert PER_PLATFORM * len(PLATFORMS) == 100_000


@pytest.mark.slow
@pytest.mark.parametrize("platform", PLATFORMS)
async def test_fuzz_storm_then_sentinel(
    platform: str, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    started = time.perf_counter()
    async with FuzzBot.running(platform, database, lambda: caplog.records) as bot:
        failed: list[str] = []
        for number, stream in enumerate(STREAMS):
            before = Counter(bot.tally)
            seed = SEED * 10 + number + PLATFORMS.index(platform) * 1000
            mutator = Mutator(
                seed, commands=stream.commands, violations=0.02, serial=number * 1_000_000
            )
            for index in range(stream.inputs):
                raw = (
                    mutator.random_update()
                    if stream.random
                    else mutator.update(
                        SEEDS[platform], mutate=stream.mutate, messages=stream.messages
                    )
                )
                where = f"seed={SEED} platform={platform} stream={stream.name} index={index}"
                try:
                    out = await bot.push(raw)
                except Exception as exc:
                    raise AssertionError(f"{where}: {exc!r}\ninput: {describe(raw)}") from exc
                if out.category == "logged":
                    failed.append(f"{where}: {_errors(out)}\ninput: {describe(raw)}")
                if index % TICK_EVERY == TICK_EVERY - 1:
                    await bot.tick(hours=2)
            print(f"\nfuzz {platform} {stream.name}: {dict(bot.tally - before)}")
        await bot.drain()
        assert not failed, f"{len(failed)} inputs failed in a handler:\n" + "\n".join(failed[:5])
        _check_tally(bot)
        storm = dict(bot.tally)
        await _sentinel(bot)
    seconds = time.perf_counter() - started
    print(f"\nfuzz {platform}: {storm} in {seconds:.1f}s (seed {SEED})")


def _errors(out: Outcome) -> str:
    return "; ".join(r.getMessage()[:300] for r in out.errors)


def _check_tally(bot: FuzzBot) -> None:
    """Every input is in exactly one category, and the counts agree with the intake's."""
    tally = bot.tally
    assert set(tally) <= set(CATEGORIES), tally
    assert sum(tally.values()) == PER_PLATFORM, tally
    parsed = PER_PLATFORM - tally["rejected"]
    assert bot.app.intake.received == parsed
    assert bot.app.intake.duplicates == tally["duplicate"]
    assert tally["logged"] == 0
    # A storm that only ever hit the parser, or never did, would be a broken fuzzer.
    for category in ("rejected", "answered", "silent"):
        assert tally[category] > PER_PLATFORM // 100, tally


async def _sentinel(bot: FuzzBot) -> None:
    """The loop is alive: a violation is warned, `/пинг` answered, a failure logged."""
    chat = str(VK_CHAT if bot.platform == "vk" else MAX_CHAT)

    def message(text: str, author: int, serial: int) -> Any:
        if bot.platform == "vk":
            return stamp(vk_message_new(text, author=author), serial)
        return stamp(max_created(text, sender=author), serial)

    violation = await bot.push(message("да пошёл ты нахуй, Вася", 777_001, 10**9))
    await bot.drain()
    warned = [t for kind, to, t in violation.calls if kind == "send" and to == chat]
    assert warned and "Нецензурная" in warned[0], violation.calls
    assert ("send", chat, warned[0]) in [(n, *a[:2]) for n, a in bot.adapter.calls if n == "send"]

    ping = await bot.push(message("/пинг", TEACHER, 10**9 + 1))
    assert [kind for kind, _, _ in ping.calls] == ["send"], ping.calls

    async def broken(self: Commands, event: Any) -> None:
        raise RuntimeError("injected by the fuzz sentinel")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Commands, "handle", broken)
        failing = await bot.push(message("/правила", TEACHER, 10**9 + 2))
    assert failing.category == "logged" and failing.errors[0].levelno == logging.ERROR
    assert [kind for kind, _, _ in failing.calls] == ["send"]  # the one-line apology
    after = await bot.push(message("/правила", TEACHER, 10**9 + 3))
    assert after.category == "answered"
