"""etiket's own handlers, grouped in routers; `build_router` assembles them."""

from __future__ import annotations

from bot.handlers import announce, basic, consent, detection, moderation, roster
from bot.router import Router

__all__ = ["build_router"]


def build_router() -> Router:
    """A fresh router tree with every etiket handler (routers are included only once)."""
    root = Router(name="etiket")
    root.include_router(detection.build())  # first: it sees every chat message, then passes
    root.include_router(basic.build())
    root.include_router(moderation.build())
    root.include_router(roster.build())
    root.include_router(consent.build())
    root.include_router(announce.build())
    root.include_router(moderation.build_fallback())  # last: what nobody else took
    return root
