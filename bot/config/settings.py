"""The configuration: one TOML file plus `ETIKET_*` environment variables.

Precedence, highest first: explicit values (CLI flags), the environment, the file,
the defaults. Unknown keys are errors, so a typo never silently falls back to a
default. Nested keys come from the environment with a double underscore:
`ETIKET_VK__TOKEN`, `ETIKET_MAX__CA_FILE`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

__all__ = [
    "DEFAULT_DATABASE_URL",
    "MaxSettings",
    "ScaleSettings",
    "Settings",
    "VkSettings",
    "WebSettings",
]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///etiket.sqlite3"
_DB_SCHEMES = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.startswith(("http://", "https://")) or len(value) < 10:
        raise ValueError("expected an http:// or https:// URL")
    return value


class VkSettings(_Section):
    """A VK community bot."""

    token: SecretStr | None = None
    api_url: str = "https://api.vk.ru/method/"
    group_id: int | None = Field(default=None, gt=0)
    wait: int = Field(default=25, ge=1, le=90)
    linger: float = Field(default=0.01, ge=0, le=1)
    """Seconds to wait after a long-poll answer with events before the next request:
    a busy stream comes in batches (fewer requests, less CPU), each event at most this
    much later."""
    rate: float = Field(default=20.0, gt=0, le=1000)
    callback_secret: SecretStr | None = None
    confirmation_code: str | None = None

    _url = field_validator("api_url")(_http_url)


class MaxSettings(_Section):
    """A MAX bot."""

    token: SecretStr | None = None
    api_url: str = "https://platform-api2.max.ru"
    ca_file: Path | None = None
    rate: float = Field(default=30.0, gt=0, le=1000)
    timeout: int = Field(default=30, ge=0, le=90)
    webhook_secret: SecretStr | None = None

    _url = field_validator("api_url")(_http_url)

    @field_validator("ca_file")
    @classmethod
    def _ca_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"expected a readable CA bundle file, {value} does not exist")
        return value


class WebSettings(_Section):
    """The dashboard and webhook endpoint."""

    enabled: bool = True
    """Serve the dashboard inside `etiket run` too (`etiket web` serves it alone)."""
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    metrics_token: SecretStr | None = None
    """Bearer token for `/metrics`; without one it answers loopback clients only."""
    secure_cookies: bool = False
    """Mark cookies Secure even over http (behind a TLS-terminating proxy)."""


class ScaleSettings(_Section):
    """Several processes on Redis Streams (`etiket run --role receiver|worker`)."""

    partitions: int = Field(default=16, ge=1, le=1024)
    """Streams the events are spread over by chat; more than workers will ever run."""
    lease_ttl: float = Field(default=5.0, gt=0, le=300)
    """Seconds a dead worker's partitions stay its own before others take them."""
    claim_idle: float = Field(default=5.0, ge=0, le=3600)
    """XAUTOCLAIM's idle time: how long a read, unacknowledged event waits for its reader."""
    leader_ttl: float = Field(default=3.0, gt=0, le=300)
    """Seconds until another process runs the scheduler when its leader stops renewing."""
    tick: float = Field(default=1.0, gt=0, le=60)
    """How often leases are renewed and the leader re-arms timers from the database."""
    action_lease: float = Field(default=30.0, gt=0, le=3600)
    """Seconds a claimed platform call stays claimed by a process that died holding it."""
    shared_clock: bool = False
    """For end-to-end tests and rehearsals only: every process's clock runs ahead of
    the system clock by the seconds stored in Redis under `<prefix>clock:offset`."""


class Settings(BaseSettings):
    """Everything `etiket` reads at start; validated before anything connects."""

    model_config = SettingsConfigDict(
        env_prefix="ETIKET_", env_nested_delimiter="__", extra="forbid", frozen=True
    )
    toml_path: ClassVar[Path | None] = None

    platform: Literal["vk", "max"] = "vk"
    database_url: str = DEFAULT_DATABASE_URL
    database_pool: int = Field(default=16, ge=1, le=500)
    """PostgreSQL connections a process keeps open (up to 4 more at a peak, closed
    after). A worker handles each of its partitions side by side: with fewer kept than
    it uses at once, it opens and closes one per transaction."""
    redis_url: str | None = None
    language: Literal["ru", "en"] = "ru"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    event_loop: Literal["uvloop", "asyncio"] = "uvloop"
    """`etiket run`'s event loop: uvloop (less CPU per event) or the standard one."""
    auto_migrate: bool = True
    dedup_ttl: float = Field(default=86400.0, gt=0)
    vk: VkSettings = VkSettings()
    max: MaxSettings = MaxSettings()
    web: WebSettings = WebSettings()
    scale: ScaleSettings = ScaleSettings()
    rules_file: Path | None = None
    """The school's rule set (TOML); None: the regulation's default rules."""
    chat_rules_dir: Path | None = None
    """Per-chat overrides, `<platform>-<chat id>.toml`, with `[rules.*]` and `[policy]`."""
    policy: dict[str, Any] = Field(default_factory=dict)
    """The school's `[policy]` table, laid over the regulation's defaults."""
    timezone: str = "Europe/Moscow"
    """How dates appear in messages (block ends, case times)."""
    digest_time: str = "18:00"
    """Local time (HH:MM, `timezone`) of the curators' daily digest (issue [6/11])."""

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in _DB_SCHEMES or not rest:
            raise ValueError(
                "expected a database URL like sqlite:///etiket.sqlite3 "
                f"or postgresql://user@host/db, got {value!r}"
            )
        return f"{_DB_SCHEMES[scheme]}://{rest}"

    @field_validator("rules_file")
    @classmethod
    def _rules_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no rules file at {value}")
        return value

    @field_validator("policy")
    @classmethod
    def _policy(cls, value: dict[str, Any]) -> dict[str, Any]:
        from bot.moderation.detection_policy import DetectionPolicy, split_policy
        from bot.moderation.policy import ChatPolicy  # pure, no I/O

        school, detectors = split_policy(value)
        ChatPolicy.from_mapping(school)  # PolicyError is a ValueError: one clear line
        DetectionPolicy.from_mapping(detectors)
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. Europe/Moscow") from None
        return value

    @field_validator("digest_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        from datetime import time

        try:
            time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a local time like 18:00, got {value!r}") from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("redis://", "rediss://", "unix://")) or len(value) < 10:
            raise ValueError(f"expected a Redis URL like redis://127.0.0.1:6379/0, got {value!r}")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if cls.toml_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls.toml_path))
        return tuple(sources)

    def secret(self, value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value is not None else None

    def summary(self) -> dict[str, Any]:
        """What was configured, with secrets masked; for `config check` and logs."""
        return self.model_dump(mode="json", exclude={"toml_path"})
