"""How moderation values read in a message: dates in the school's zone, refusals, usage.

Texts come only from the catalogue (`bot/texts`); this module fills them in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Texts
from bot.moderation import Refusal, Rule, RuleSet, UsageError

__all__ = ["Formats"]

DATE_FORMAT = "%d.%m.%Y %H:%M"


class Formats:
    """The catalogue plus the school's time zone."""

    def __init__(self, texts: Texts, timezone: str = "Europe/Moscow") -> None:
        self.texts = texts
        self.zone = ZoneInfo(timezone)

    def t(self, key: str, **values: Any) -> str:
        return self.texts.t(key, **values)

    def when(self, moment: datetime | None) -> str:
        if moment is None:
            return self.t("warns.forever")
        return moment.astimezone(self.zone).strftime(DATE_FORMAT)

    def refusal(self, refusal: Refusal) -> str:
        params = {
            k: self.when(v) if isinstance(v, datetime) else v for k, v in refusal.params.items()
        }
        return self.t(refusal.reason_key.value, **params)

    def usage(self, error: UsageError) -> str:
        """The command's usage line and, when known, what was wrong: one message."""
        line = self.t(error.usage_key, **error.params)
        if error.problem_key is None:
            return line
        return f"{self.t(error.problem_key, **error.params)}\n{line}"

    def rule_params(self, rule: Rule) -> dict[str, Any]:
        language = self.texts.language
        return {
            "rule_number": rule.number,
            "rule_title": rule.title_for(language),
            "rule_text": rule.text_for(language),
        }

    def rule(self, rule: Rule) -> str:
        language = self.texts.language
        return self.t(
            "rules.one",
            number=rule.number,
            title=rule.title_for(language),
            code=rule.code,
            alias=rule.alias,
            text=rule.text_for(language),
        )

    def rules(self, ruleset: RuleSet) -> str:
        language = self.texts.language
        lines = [
            self.t(
                "rules.line",
                number=r.number,
                title=r.title_for(language),
                code=r.code,
                alias=r.alias,
                text=r.text_for(language),
            )
            for r in ruleset
        ]
        return "\n".join([self.t("rules.title"), *lines])
