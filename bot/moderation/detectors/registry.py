"""All detectors as one call: `detect(text, context)`.

One normalization is shared by the text detectors (obscene, insult, messengers),
so a message is folded once. The detector list is data (`DETECTORS`), so the
policy layer can look up a detector's name and version without running it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.moderation.detectors import flood, insult, messengers, obscene, personal_data
from bot.moderation.detectors.finding import Finding
from bot.moderation.detectors.flood import FloodContext
from bot.moderation.detectors.normalize import normalize

__all__ = [
    "AUTO_WARN_MIN_CONFIDENCE", "AUTO_WARN_RULES", "DETECTORS", "DetectContext",
    "DetectorInfo", "auto_warns", "detect",
]  # fmt: skip

#: Rules whose findings lead to an automatic warning by default (issue 7 policy).
AUTO_WARN_RULES = frozenset({"obscene", "personal_data", "foreign_messenger"})
#: Below this a finding of those rules should go to review, not warn: the detectors
#: score their own doubt (a street and house with no sign it is a home is 0.6).
AUTO_WARN_MIN_CONFIDENCE = 0.7


@dataclass(frozen=True, slots=True)
class DetectorInfo:
    """A detector's identity, as stored with a finding and a false-positive mark."""

    name: str
    version: str
    rule: str


DETECTORS = (
    DetectorInfo(obscene.NAME, obscene.VERSION, "obscene"),
    DetectorInfo(insult.NAME, insult.VERSION, "insult"),
    DetectorInfo(personal_data.NAME, personal_data.VERSION, "personal_data"),
    DetectorInfo(messengers.NAME, messengers.VERSION, "foreign_messenger"),
    DetectorInfo(flood.NAME, flood.VERSION, "flood"),
)


@dataclass(frozen=True, slots=True)
class DetectContext:
    """What a caller knows beyond the text: flood counters for now."""

    flood: FloodContext | None = None


def auto_warns(finding: Finding) -> bool:
    """True if the default policy would warn automatically on this finding."""
    return finding.rule in AUTO_WARN_RULES and finding.confidence >= AUTO_WARN_MIN_CONFIDENCE


def detect(text: str, context: DetectContext | None = None) -> list[Finding]:
    """Every finding of every detector, ordered by position in `text`."""
    norm = normalize(text)
    found = obscene.detect_obscene(text, norm)
    found += insult.detect_insult(text, norm)
    found += personal_data.detect_personal_data(text)
    found += messengers.detect_foreign_messenger(text, norm)
    found += flood.detect_flood(text, context.flood if context else None)
    found.sort(key=lambda f: (f.span, f.rule))
    return found
