"""What a chat does with a detector's findings: `off`, `review`, `warn`, `delete_and_warn`.

Issue [6/11]. A school's `[policy.detectors]` table sets a mode per rule code and the
flood limits; a chat's own `[policy.detectors]` table is laid over it. Defaults:
review for insults and flood (the detectors are less sure), warn for obscene
language and foreign messengers, delete_and_warn for personal data (it should not
stay visible).

    [policy.detectors]
    insult = "off"
    [policy.detectors.limits]
    max_messages = 8
    window_s = 10

`plan(findings, policy, author_is_moderator)` decides, purely, what one message's
findings lead to: at most one automatic warning (the heaviest, then most confident
finding a warn mode may act on), a deletion if that finding's mode says so, and the
findings the curators review. A finding a warn mode may act on still goes to review
when its confidence is below `AUTO_WARN_MIN_CONFIDENCE`, or when the author is a
moderator (a teacher quoting a rule is not warned by a machine).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from bot.moderation.detectors import AUTO_WARN_MIN_CONFIDENCE, RULES, Finding, FloodLimits
from bot.moderation.policy import PolicyError

__all__ = [
    "DEFAULT_MODES",
    "MODES",
    "DetectionPlan",
    "DetectionPolicy",
    "DetectorMode",
    "plan",
    "split_policy",
]

DetectorMode = Literal["off", "review", "warn", "delete_and_warn"]
MODES: tuple[DetectorMode, ...] = ("off", "review", "warn", "delete_and_warn")

DEFAULT_MODES: Mapping[str, DetectorMode] = {
    "obscene": "warn",
    "insult": "review",
    "personal_data": "delete_and_warn",
    "foreign_messenger": "warn",
    "flood": "review",
}

_SOURCE = "policy.detectors"
_LIMIT_RANGES: dict[str, tuple[float, float]] = {
    "max_messages": (1, 1000),
    "window_s": (1, 3600),
    "max_repeats": (2, 1000),
    "max_length": (100, 1_000_000),
    "caps_min_letters": (1, 10_000),
    "caps_ratio": (0.1, 1.0),
    "max_mentions": (1, 1000),
    "repeat_window_s": (1, 86_400),
}


def split_policy(table: Mapping[str, Any]) -> tuple[dict[str, Any], Mapping[str, Any]]:
    """A `[policy]` table without its `detectors` sub-table, and that sub-table."""
    rest = {k: v for k, v in table.items() if k != "detectors"}
    detectors = table.get("detectors", {})
    if not isinstance(detectors, Mapping):
        raise PolicyError("policy: 'detectors' must be a table")
    return rest, detectors


@dataclass(frozen=True, slots=True)
class DetectionPolicy:
    """Per-rule modes and the flood limits of one chat."""

    modes: Mapping[str, DetectorMode] = field(default_factory=lambda: dict(DEFAULT_MODES))
    limits: FloodLimits = field(default_factory=FloodLimits)
    repeat_window_s: int = 300  # the same text counts as repeated within this many seconds

    def mode(self, rule: str) -> DetectorMode:
        return self.modes.get(rule, "off")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = _SOURCE) -> DetectionPolicy:
        return cls().merged(data, source)

    def merged(self, override: Mapping[str, Any], source: str = _SOURCE) -> DetectionPolicy:
        """This policy with a (chat's) `[policy.detectors]` table laid over it."""
        modes = dict(self.modes)
        limits: dict[str, Any] = {}
        for key, value in override.items():
            if key == "limits":
                if not isinstance(value, Mapping):
                    raise PolicyError(f"{source}: 'limits' must be a table")
                limits.update(_limits(value, source))
            elif key in RULES:
                if value not in MODES:
                    allowed = ", ".join(repr(m) for m in MODES)
                    raise PolicyError(
                        f"{source}: field {key!r} must be one of {allowed}, got {value!r}"
                    )
                modes[key] = value
            else:
                raise PolicyError(f"{source}: unknown field {key!r}")
        window = int(limits.pop("repeat_window_s", self.repeat_window_s))
        return DetectionPolicy(modes, replace(self.limits, **limits), window)


def _limits(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    names = {f.name for f in fields(FloodLimits)} | {"repeat_window_s"}
    for key, value in data.items():
        if key not in names:
            raise PolicyError(f"{source}: unknown field 'limits.{key}'")
        low, high = _LIMIT_RANGES[key]
        whole = key != "caps_ratio"
        kind = int if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high:
            what = "a whole number" if whole else "a number"
            raise PolicyError(f"{source}: field 'limits.{key}' must be {what} {low:g}..{high:g}")
    return dict(data)


@dataclass(frozen=True, slots=True)
class DetectionPlan:
    """What one message's findings lead to; empty when nothing is to be done."""

    warn: Finding | None = None
    delete: bool = False
    review: tuple[Finding, ...] = ()

    def __bool__(self) -> bool:
        return self.warn is not None or bool(self.review)


def plan(
    findings: Iterable[Finding],
    policy: DetectionPolicy,
    *,
    author_is_moderator: bool = False,
    weight: Callable[[str], int] = lambda rule: 1,
) -> DetectionPlan:
    """At most one warning, its deletion, and one review finding per rule and detector."""
    acting: list[Finding] = []
    review: dict[tuple[str, str], Finding] = {}
    for f in findings:
        mode = policy.mode(f.rule)
        if mode == "off":
            continue
        sure = f.confidence >= AUTO_WARN_MIN_CONFIDENCE
        if mode in ("warn", "delete_and_warn") and sure and not author_is_moderator:
            acting.append(f)
            continue
        key = (f.rule, f.detector)
        if key not in review or review[key].confidence < f.confidence:
            review[key] = f
    if not acting:
        return DetectionPlan(review=tuple(review.values()))
    chosen = max(acting, key=lambda f: (weight(f.rule), f.confidence, -f.span[0]))
    delete = any(policy.mode(f.rule) == "delete_and_warn" for f in acting)
    # The message is warned once; review only what the warning does not already cover.
    rest = tuple(f for f in review.values() if f.rule != chosen.rule)
    return DetectionPlan(chosen, delete, rest)
