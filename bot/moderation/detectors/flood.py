"""Flood and excess: message rate, repeated text, length, all caps, mass mentions.

The counters (messages per person in a window, the last text and how often it
came in a row) live in the ephemeral state, Redis across workers, which this
pure package must not import. So the caller keeps them under the keys built
here (`rate_key`, `repeat_key`, with `text_fingerprint` as the value to compare)
and hands their values in a `FloodContext`; the per-message checks need nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.moderation.detectors.finding import Finding

__all__ = [
    "NAME", "VERSION", "FloodContext", "FloodLimits", "detect_flood", "rate_key",
    "repeat_key", "text_fingerprint",
]  # fmt: skip

NAME = "flood"
VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Per-chat thresholds; defaults fit a school chat."""

    max_messages: int = 6  # more than this in `window_s` seconds is flood
    window_s: int = 10
    max_repeats: int = 3  # the same text this many times in a row
    max_length: int = 2_000
    caps_min_letters: int = 15  # "ОК" and "ДЗ" are not shouting
    caps_ratio: float = 0.8
    max_mentions: int = 5


@dataclass(frozen=True, slots=True)
class FloodContext:
    """Counter values the caller read from the ephemeral state for this message.

    `recent_messages`: the author's messages in this chat in the last
    `limits.window_s` seconds, this one included (counter under `rate_key`).
    `repeats`: how many times in a row the author sent this same text, this one
    included (kept under `repeat_key`, compared by `text_fingerprint`).
    """

    recent_messages: int = 1
    repeats: int = 1
    limits: FloodLimits = FloodLimits()


def rate_key(chat_id: str, user_id: str, now_s: float, window_s: int) -> str:
    """Counter key for one author in one chat and one fixed window of time."""
    return f"flood:rate:{chat_id}:{user_id}:{int(now_s) // max(1, window_s)}"


def repeat_key(chat_id: str, user_id: str) -> str:
    """Key holding the author's last text fingerprint and its repeat count."""
    return f"flood:repeat:{chat_id}:{user_id}"


_SPACES = re.compile(r"\s+")


def text_fingerprint(text: str) -> str:
    """Case- and spacing-blind digest: the text itself is never stored (152-FZ)."""
    canonical = _SPACES.sub(" ", text.casefold()).strip()
    return hashlib.blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


_MENTION = re.compile(
    r"(?<![\w@])@[A-Za-z0-9_.]{2,32}|\[(?:id|club|public)\d{1,12}\|[^\]\n]{0,64}\]"
)
_UPPER_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
_DROP_UPPER = str.maketrans("", "", _UPPER_LETTERS)
_DROP_LETTERS = str.maketrans("", "", _UPPER_LETTERS + _UPPER_LETTERS.lower())


def _finding(confidence: float, span: tuple[int, int], evidence: str, kind: str) -> Finding:
    return Finding("flood", NAME, VERSION, confidence, span, evidence, kind)


_CAPS_SAMPLE = 4_000  # shouting is visible in the first screens; 100 kB need not be counted


def _caps(text: str, limits: FloodLimits) -> Finding | None:
    text = text[:_CAPS_SAMPLE]
    if len(text) < limits.caps_min_letters or text.islower():
        return None
    upper = len(text) - len(text.translate(_DROP_UPPER))  # C speed on 100 kB
    if upper < limits.caps_min_letters:
        return None
    letters = len(text) - len(text.translate(_DROP_LETTERS))
    if upper / letters < limits.caps_ratio:
        return None
    return _finding(0.6, (0, len(text)), f"{upper}/{letters} capital letters", "caps")


def detect_flood(text: str, context: FloodContext | None = None) -> list[Finding]:
    """Per-message excess always; rate and repeats when the caller gives counters."""
    ctx = context or FloodContext()
    limits = ctx.limits
    whole = (0, len(text))
    found: list[Finding] = []
    if len(text) > limits.max_length:
        found.append(_finding(0.9, whole, f"{len(text)} characters", "length"))
    caps = _caps(text, limits)
    if caps:
        found.append(caps)
    if text.count("@") + text.count("[") > limits.max_mentions:
        mentions = len(_MENTION.findall(text))
        if mentions > limits.max_mentions:
            found.append(_finding(0.8, whole, f"{mentions} mentions", "mentions"))
    if ctx.recent_messages > limits.max_messages:
        evidence = f"{ctx.recent_messages} messages in {limits.window_s} s"
        found.append(_finding(0.9, whole, evidence, "rate"))
    if ctx.repeats >= limits.max_repeats:
        found.append(_finding(0.9, whole, f"same text {ctx.repeats} times", "repeat"))
    return found
