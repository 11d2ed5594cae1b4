"""The administrators' dashboard: moderation log, statistics, export, metrics.

An aiohttp application (`create_web_app`) the bot mounts or `etiket web` serves
alone (`run_web`). Pages are Jinja2 templates with autoescape; charts are SVG drawn
on the server; nothing is loaded from the internet.
"""

from bot.web.app import create_web_app, run_web
from bot.web.keys import WebOptions
from bot.web.metrics import MetricsRegistry

__all__ = ["MetricsRegistry", "WebOptions", "create_web_app", "run_web"]
