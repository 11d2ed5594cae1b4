"""Automatic violation detectors: pure functions of a message's text and context.

Each detector returns `Finding`s carrying the canonical rule code, the detector's
name and version, a confidence and the span in the original text; what happens
next (warn, review, delete) is the policy's business, not the detector's.

    detect(text, context=None)            all detectors
    detect_obscene / detect_insult / detect_personal_data /
    detect_foreign_messenger / detect_flood   one detector alone
"""

from bot.moderation.detectors.finding import RULES, Finding, Span
from bot.moderation.detectors.flood import (
    FloodContext,
    FloodLimits,
    detect_flood,
    rate_key,
    repeat_key,
    text_fingerprint,
)
from bot.moderation.detectors.insult import detect_insult
from bot.moderation.detectors.messengers import detect_foreign_messenger
from bot.moderation.detectors.normalize import Normalized, normalize
from bot.moderation.detectors.obscene import detect_obscene
from bot.moderation.detectors.personal_data import detect_personal_data
from bot.moderation.detectors.registry import (
    AUTO_WARN_MIN_CONFIDENCE,
    AUTO_WARN_RULES,
    DETECTORS,
    DetectContext,
    DetectorInfo,
    auto_warns,
    detect,
)

__all__ = [
    "AUTO_WARN_MIN_CONFIDENCE",
    "AUTO_WARN_RULES",
    "DETECTORS",
    "RULES",
    "DetectContext",
    "DetectorInfo",
    "Finding",
    "FloodContext",
    "FloodLimits",
    "Normalized",
    "Span",
    "auto_warns",
    "detect",
    "detect_flood",
    "detect_foreign_messenger",
    "detect_insult",
    "detect_obscene",
    "detect_personal_data",
    "normalize",
    "rate_key",
    "repeat_key",
    "text_fingerprint",
]
