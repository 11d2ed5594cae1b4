"""The rules and the policy in force in each chat: the school's, with a chat's override.

A school keeps one rules file and one `[policy]` table; a chat may have its own file
`<platform>-<chat id>.toml` (rules by code and a `[policy]` table) in
`chat_rules_dir`. Every version seen is kept in a `RuleArchive`, so `/дело` shows
a rule as it read when the case was recorded (regulation point 7).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.moderation import ChatPolicy, Rule, RuleArchive, RuleSet, load_ruleset
from bot.moderation.detection_policy import DetectionPolicy, split_policy

__all__ = ["Regulation"]


class Regulation:
    """Answers "which rules and policy apply here?"; files are read once per chat."""

    def __init__(
        self,
        rules_file: Path | None = None,
        policy: Mapping[str, Any] | None = None,
        chat_rules_dir: Path | None = None,
    ) -> None:
        self.rules_file = rules_file
        self.chat_rules_dir = chat_rules_dir
        self.school_rules = load_ruleset(rules_file)
        school, detectors = split_policy(policy or {})
        self.school_policy = ChatPolicy.from_mapping(school, "policy")
        self.school_detection = DetectionPolicy.from_mapping(detectors)
        self._detection: dict[tuple[str, str], DetectionPolicy] = {}
        self.archive = RuleArchive.of([self.school_rules])
        self._chats: dict[tuple[str, str], tuple[RuleSet, ChatPolicy]] = {}

    def for_chat(self, platform: str, chat_id: str) -> tuple[RuleSet, ChatPolicy]:
        key = (platform, chat_id)
        found = self._chats.get(key)
        if found is None:
            found = self._load(platform, chat_id)
            self._chats[key] = found
            self.archive = self.archive.with_set(found[0])
        return found

    def rules(self, platform: str, chat_id: str) -> RuleSet:
        return self.for_chat(platform, chat_id)[0]

    def policy(self, platform: str, chat_id: str) -> ChatPolicy:
        return self.for_chat(platform, chat_id)[1]

    def detection(self, platform: str, chat_id: str) -> DetectionPolicy:
        """The detectors' modes and flood limits here (`[policy.detectors]`, issue 6)."""
        key = (platform, chat_id)
        found = self._detection.get(key)
        if found is None:
            found = self.school_detection
            path = self._override_path(platform, chat_id)
            if path is not None:
                with path.open("rb") as fh:
                    table = split_policy(tomllib.load(fh).get("policy", {}))[1]
                found = found.merged(table, f"{path}: policy.detectors")
            self._detection[key] = found
        return found

    def rule_of_case(self, version: str | None, code: str, current: RuleSet) -> Rule | None:
        """The rule as recorded in a case; the current text if that version is unknown."""
        if version:
            rule = self.archive.rule(version, code)
            if rule is not None:
                return rule
        return current.get(code)

    def _load(self, platform: str, chat_id: str) -> tuple[RuleSet, ChatPolicy]:
        path = self._override_path(platform, chat_id)
        if path is None:
            return self.school_rules, self.school_policy
        with path.open("rb") as fh:
            table = tomllib.load(fh).get("policy", {})
        table = split_policy(table)[0]
        return load_ruleset(self.rules_file, path), self.school_policy.merged(table, str(path))

    def _override_path(self, platform: str, chat_id: str) -> Path | None:
        if self.chat_rules_dir is None:
            return None
        path = self.chat_rules_dir / f"{platform}-{chat_id}.toml"
        return path if path.is_file() else None
