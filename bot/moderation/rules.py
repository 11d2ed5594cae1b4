"""The chat's rules: what a warning quotes (point 4) and every sanction cites (point 7).

A `RuleSet` is versioned so that each case can record the version in force and an
old case shows the rule as it read then (`RuleArchive`). Moderators may type the
canonical code, the Russian alias or the number; `resolve` accepts all three.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from bot.moderation.tokens import clean, normalize, skeleton

__all__ = ["Rule", "RuleArchive", "RuleSet"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the regulation, with what a block for breaking it defaults to."""

    code: str
    alias: str
    number: int
    title: str
    text: str
    weight: int = 1
    default_block_days: int = 7
    no_early_unblock: bool = False
    detector: bool = False
    title_en: str | None = None
    text_en: str | None = None
    version: str = ""  # stamped by the rule set the rule came from

    def title_for(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def text_for(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text

    @property
    def label(self) -> str:
        """`1 obscene (мат)`: how lists and the audit view name a rule."""
        return f"{self.number} {self.code} ({self.alias})"


@dataclass(frozen=True)
class RuleSet:
    """The rules in force in a chat, under one version string."""

    version: str
    rules: tuple[Rule, ...]
    _exact: dict[str, Rule] = field(init=False, repr=False, compare=False)
    _loose: dict[str, Rule | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact: dict[str, Rule] = {}
        loose: dict[str, Rule | None] = {}
        codes = [rule.code for rule in self.rules]
        if len(set(codes)) != len(codes):
            raise ValueError(f"rule codes repeat: {', '.join(sorted(codes))}")
        for rule in sorted(self.rules, key=lambda r: r.number):
            for token in (rule.code, rule.alias, str(rule.number)):
                key = normalize(token)
                other = exact.get(key)
                if other is not None and other.code != rule.code:
                    raise ValueError(f"rules {other.code!r} and {rule.code!r} share {token!r}")
                exact[key] = rule
                loose_key = skeleton(token)
                # An ambiguous look-alike resolves to nothing rather than to a guess.
                loose[loose_key] = rule if loose.get(loose_key, rule) == rule else None
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_loose", loose)

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self.rules, key=lambda r: r.number))

    def __len__(self) -> int:
        return len(self.rules)

    def resolve(self, token: str) -> Rule | None:
        """The rule a moderator meant by a code, an alias or a number (`№1`, `#1` too)."""
        key = normalize(clean(token).strip().lstrip("№#"))  # NFKC would read № as "No"
        if not key:
            return None
        return self._exact.get(key) or self._loose.get(skeleton(key))

    def get(self, code: str) -> Rule | None:
        """By canonical code only, as stored in cases."""
        rule = self._exact.get(normalize(code))
        return rule if rule is not None and rule.code == code else None

    def codes_help(self, language: str = "ru") -> str:
        """One line per rule: `1 obscene (мат) — Нецензурная лексика`."""
        return "\n".join(f"{r.label} — {r.title_for(language)}" for r in self)

    def codes_short(self) -> str:
        """`1 мат, 2 оск, …`: the list a usage line shows."""
        return ", ".join(f"{r.number} {r.alias}" for r in self)


@dataclass(frozen=True)
class RuleArchive:
    """Every rule-set version a school has used, so an old case reads as it did then."""

    sets: Mapping[str, RuleSet] = field(default_factory=dict)

    @classmethod
    def of(cls, rulesets: Iterable[RuleSet]) -> RuleArchive:
        return cls({rs.version: rs for rs in rulesets})

    def with_set(self, ruleset: RuleSet) -> RuleArchive:
        """A new archive that also knows `ruleset` (a newer copy of a version replaces it)."""
        return RuleArchive({**self.sets, ruleset.version: ruleset})

    def get(self, version: str) -> RuleSet | None:
        return self.sets.get(version)

    def rule(self, version: str, code: str) -> Rule | None:
        """The rule `code` as it read in `version`, or None if that version is unknown."""
        ruleset = self.sets.get(version)
        return ruleset.get(code) if ruleset is not None else None

    def versions(self) -> list[str]:
        return sorted(self.sets)
