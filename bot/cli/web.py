"""`etiket web`: serve the administrators' dashboard on its own."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import click

from bot.cli.common import config_option, settings_or_exit, setup_logging

__all__ = ["web"]


@click.command()
@config_option
@click.option("--host", default=None, help="Listen address (default: web.host).")
@click.option("--port", type=int, default=None, help="Listen port (default: web.port).")
@click.option(
    "--metrics-token",
    envvar="ETIKET_METRICS_TOKEN",
    default=None,
    help="Bearer token for /metrics; without it /metrics answers localhost only.",
)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=False,
    help="Mark cookies Secure even over http (behind a TLS-terminating proxy).",
)
def web(
    config_path: Path | None,
    host: str | None,
    port: int | None,
    metrics_token: str | None,
    secure_cookies: bool,
) -> None:
    """Serve the dashboard (moderation log, statistics, export) until Ctrl-C."""
    from bot.web import WebOptions, run_web

    section = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings_or_exit(config_path, **({"web": section} if section else {}))
    setup_logging(settings.log_level)
    options = WebOptions(
        metrics_token=metrics_token or settings.secret(settings.web.metrics_token),
        secure_cookies=secure_cookies or settings.web.secure_cookies,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_web(settings, options))
