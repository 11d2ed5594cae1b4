"""Picks a messenger by name, so the application never imports a messenger module.

Each entry builds the adapter (outbound calls) and its event source (long polling)
from plain options; webhooks are mounted by the application from the adapter's own
package when configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.base import CursorStore, EventSource, MessengerAdapter
from adapters.outbound import RateLimiter

__all__ = ["PLATFORMS", "Platform", "build_platform"]

PLATFORMS = ("vk", "max")


@dataclass(frozen=True, slots=True)
class Platform:
    """A connected messenger: the adapter for calls and the source of events."""

    adapter: MessengerAdapter
    source: EventSource


def build_platform(
    name: str,
    *,
    token: str,
    api_url: str,
    rate: float,
    limiter: RateLimiter,
    cursors: CursorStore,
    options: dict[str, Any] | None = None,
) -> Platform:
    """The adapter and long-poll source of platform `name` ("vk" or "max")."""
    opts = dict(options or {})
    if name == "vk":
        from adapters.vk_messenger import VkAdapter, VkLongPoll

        vk = VkAdapter(
            token, limiter=limiter, api_url=api_url, rate=rate, group_id=opts.get("group_id")
        )
        poll = VkLongPoll(
            vk, cursors, wait=int(opts.get("wait", 25)), linger=float(opts.get("linger", 0.0))
        )
        return Platform(vk, poll)
    if name == "max":
        from adapters.max_messenger import MaxAdapter, MaxPolling

        mx = MaxAdapter(
            token, limiter=limiter, api_url=api_url, rate=rate, ca_file=opts.get("ca_file")
        )
        source = MaxPolling(
            mx.api,
            cursors,
            limiter=limiter,
            bucket=mx.bucket,
            rate=rate,
            timeout=int(opts.get("timeout", 30)),
        )
        return Platform(mx, source)
    raise ValueError(f"unknown platform {name!r}; expected one of {', '.join(PLATFORMS)}")
