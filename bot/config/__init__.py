"""Configuration: `load_settings(path)` reads TOML and `ETIKET_*` variables."""

from bot.config.load import ConfigError, load_settings
from bot.config.settings import (
    DEFAULT_DATABASE_URL,
    MaxSettings,
    ScaleSettings,
    Settings,
    VkSettings,
    WebSettings,
)

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ConfigError",
    "MaxSettings",
    "ScaleSettings",
    "Settings",
    "VkSettings",
    "WebSettings",
    "load_settings",
]
