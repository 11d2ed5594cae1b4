"""Build and run the emulator: one aiohttp app with a platform front and the control API."""

from __future__ import annotations

import asyncio
import gc
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

from aiohttp import web

from adapters.emulator.control import install_control
from adapters.emulator.hub import HUB, Emulator
from adapters.emulator.snapshot import load_snapshot, save_snapshot
from adapters.emulator.ui import install_ui

__all__ = ["PLATFORMS", "create_emulator_app", "run_emulator"]

PLATFORMS = ("vk", "max")
LIVE_RPS = {"vk": 20, "max": 30}  # per token: VK NOTES §7, MAX NOTES §6


def create_emulator_app(
    platform: str = "vk",
    token: str | None = None,
    *,
    callback_url: str | None = None,
    secret: str | None = None,
    confirmation_code: str | None = None,
    group_id: int = 1,
    group_name: str = "Школа",
    rps_limit: int | Literal["live"] | None = "live",
    snapshot_path: str | Path | None = None,
) -> web.Application:
    """An app serving the platform's bot API and `/emulator/*`; `app[HUB]` is its state.

    `token` defaults to a fresh random one (read it from `GET /emulator/token`).
    With `callback_url`, updates are POSTed there (after the confirmation handshake
    if `confirmation_code` is set) in addition to being served by long poll.
    `rps_limit` defaults to the platform's live per-token limit; None turns it off
    (e.g. for load tests). The callback options and the group are VK's; a MAX bot
    subscribes to webhooks itself through `POST /subscriptions`.
    """
    if platform not in PLATFORMS:
        raise ValueError(f"no {platform!r} front; expected one of {', '.join(PLATFORMS)}")
    path = Path(snapshot_path) if snapshot_path is not None else None
    hub = Emulator(platform, token or secrets.token_hex(32), snapshot_path=path)
    rps = LIVE_RPS[platform] if rps_limit == "live" else rps_limit
    if platform == "max":
        from adapters.emulator.max.front import MaxFront

        hub.front = MaxFront(hub, rps_limit=rps)
    else:
        from adapters.emulator.vk.front import VkFront

        hub.front = VkFront(
            hub,
            group_id=group_id,
            group_name=group_name,
            rps_limit=rps,
            callback_url=callback_url,
            secret=secret,
            confirmation_code=confirmation_code,
        )
    if path is not None and path.exists():
        load_snapshot(hub.world, path)
    app = web.Application(client_max_size=8 * 1024 * 1024)
    app[HUB] = hub
    install_control(app)
    hub.front.install(app)
    install_ui(app)  # the web UI at `/`
    if path is not None:
        app.cleanup_ctx.append(_persist)
    return app


async def _persist(app: web.Application) -> AsyncIterator[None]:
    """Save on shutdown and every few seconds, so a crash loses little."""
    hub = app[HUB]

    async def every() -> None:
        while True:
            await asyncio.sleep(5.0)
            if hub.snapshot_path is not None:
                save_snapshot(hub.world, hub.snapshot_path)

    task = asyncio.create_task(every())
    yield
    task.cancel()
    if hub.snapshot_path is not None:
        save_snapshot(hub.world, hub.snapshot_path)


async def run_emulator(
    platform: str = "vk", host: str = "127.0.0.1", port: int = 8081, token: str | None = None
) -> None:
    """Serve until cancelled; prints where the bot should point and the token it needs."""
    app = create_emulator_app(platform, token)
    # The rate limit counts arrivals as this process sees them, so its own pauses would
    # bunch them up: a full collection walking every imported module's objects took
    # 0.1 s, long enough to draw error 6 from requests paced just under the limit.
    # Those objects live as long as the process anyway.
    gc.collect()
    gc.freeze()
    # No access log: every long poll and API call would be a line; `/emulator/calls` has them.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    hub = app[HUB]
    print(f"etiket {platform} emulator on http://{host}:{port}", flush=True)
    base = f"http://{host}:{port}" + ("/method/" if platform == "vk" else "")
    print(f"  API base:    {base}", flush=True)
    print(f"  control API: http://{host}:{port}/emulator/", flush=True)
    print(f"  token:       {hub.token}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
