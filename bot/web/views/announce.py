"""Creating an announcement from the dashboard: form, preview, create; and cancel.

The form posts to `/announcements/new`: `step=preview` shows the next five runs and
the chats the targets resolve to, with the form filled again; `step=create` stores
it through `AnnouncementService`, as the CLI does. The running bot's scheduler
re-checks within a minute and picks it up, so `kick` is a no-op here.
Administrators only; the CSRF token is checked by `security.auth_middleware`.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from typing import Any

from aiohttp import web

from bot.announcements import (
    Preview,
    ScheduleError,
    TargetError,
    parse_at,
    parse_every,
    parse_targets,
    parse_zone,
)
from bot.services.announcements import AnnouncementService, NewAnnouncement
from bot.web.keys import CLOCK, DB, SETTINGS
from bot.web.render import deny, page, texts
from bot.web.security import viewer_of
from bot.web.session import Viewer

__all__ = ["admin_only", "cancel_announcement", "create_announcement", "new_announcement"]

MAX_TEXT = 4000


@dataclass
class Draft:
    """What the form holds, as typed."""

    text: str = ""
    targets: str = ""
    at: str = ""
    every: str = ""
    tz: str = ""
    urgent: bool = False
    pin: bool = False

    def digest(self) -> str:
        """Ties a Create to the exact fields that were previewed."""
        return hashlib.sha256(repr(astuple(self)).encode()).hexdigest()[:32]


def admin_only(request: web.Request) -> Viewer:
    viewer = viewer_of(request)
    if not viewer.is_admin:
        raise deny(request, 403)
    return viewer


def service(request: web.Request) -> AnnouncementService:
    settings = request.app[SETTINGS]
    return AnnouncementService(
        request.app[DB], platform=settings.platform, clock_now=request.app[CLOCK]
    )


def _spec(draft: Draft, request: web.Request) -> NewAnnouncement:
    """The announcement the form describes; raises `ValueError` with the reason."""
    if not draft.text.strip():
        raise ValueError(texts(request).t("web.text_required"))
    if len(draft.text) > MAX_TEXT:
        raise ValueError(f"text longer than {MAX_TEXT} characters")
    if bool(draft.at.strip()) == bool(draft.every.strip()):
        raise ScheduleError("give exactly one of 'once at' or 'every'")
    schedule = parse_at(draft.at) if draft.at.strip() else parse_every(draft.every)
    parse_zone(draft.tz)
    items = [t.strip() for t in draft.targets.replace(";", ",").split(",") if t.strip()]
    return NewAnnouncement(
        text=draft.text.strip(),
        targets=parse_targets(items),
        schedule=schedule,
        time_zone=draft.tz,
        urgent=draft.urgent,
        pin=draft.pin,
    )


def _form(request: web.Request, draft: Draft, **extra: Any) -> web.Response:
    status = 400 if extra.get("error") else 200
    context: dict[str, Any] = {"draft": draft, "error": "", "preview": None, **extra}
    return page(request, "announcement_new.html", context, status=status)


def _shown(view: Preview) -> dict[str, Any]:
    return {
        "runs": [f"{r:%Y-%m-%d %H:%M %Z}" for r in view.runs],
        "chats": [{"id": c.id, "title": c.title, "tags": ", ".join(c.tags)} for c in view.chats],
        "unmatched": list(view.unmatched),
    }


async def new_announcement(request: web.Request) -> web.Response:
    admin_only(request)
    return _form(request, Draft(tz=request.app[SETTINGS].timezone))


async def create_announcement(request: web.Request) -> web.Response:
    admin_only(request)
    form = await request.post()

    def field(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    draft = Draft(
        text=field("text"),
        targets=field("targets"),
        at=field("at"),
        every=field("every"),
        tz=field("tz").strip() or request.app[SETTINGS].timezone,
        urgent=field("urgent") == "on",
        pin=field("pin") == "on",
    )
    try:
        spec = _spec(draft, request)
    except (ScheduleError, TargetError, ValueError) as exc:
        return _form(request, draft, error=str(exc))
    svc = service(request)
    if field("step") != "create" or field("previewed") != draft.digest():
        shown = _shown(await svc.preview(spec))
        return _form(request, draft, preview=shown, previewed=draft.digest())
    ann = await svc.create(spec)
    raise web.HTTPFound(f"/announcements/{ann.id}")


async def cancel_announcement(request: web.Request) -> web.Response:
    admin_only(request)
    try:
        aid = int(request.match_info["id"])
    except ValueError:
        raise deny(request, 404) from None
    svc = service(request)
    if await svc.get(aid) is None:
        raise deny(request, 404)
    await svc.cancel(aid)
    raise web.HTTPFound(f"/announcements/{aid}")
