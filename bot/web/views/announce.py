"""Creating an announcement from the dashboard: form, preview, create; and cancel.

The form posts to `/announcements/new`: `step=preview` shows the next five runs and
the chats the targets resolve to, with the form filled again; `step=create` stores
it through `AnnouncementService`, as the CLI does. The running bot's scheduler
re-checks within a minute and picks it up, so `kick` is a no-op here.
Administrators only; the CSRF token is checked by `security.auth_middleware`.
The fields are read by `parse_spec`, the CLI's parser, and errors are shown in the
viewer's language. Creating and cancelling write an audit row each (who did what to
which announcement), as viewings and exports do, in the transaction of the change.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.announcements import Preview, QuietHours
from bot.i18n import Texts
from bot.services.announcement_specs import SpecError, SpecFields, parse_spec, quiet_between
from bot.services.announcements import AnnouncementService, NewAnnouncement
from bot.web.access import record_access
from bot.web.keys import CLOCK, DB, SETTINGS
from bot.web.render import deny, page, texts
from bot.web.security import viewer_of
from bot.web.session import Viewer
from storage.models import Announcement

__all__ = ["admin_only", "cancel_announcement", "create_announcement", "new_announcement"]

MAX_TEXT = 4000


@dataclass
class Draft:
    """What the form holds, as typed."""

    text: str = ""
    targets: str = ""
    at: str = ""
    every: str = ""
    until: str = ""
    count: str = ""
    tz: str = ""
    quiet_start: str = ""
    quiet_end: str = ""
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


class FormError(ValueError):
    """A form field the page names, already in the viewer's language."""


def _spec(draft: Draft, catalogue: Texts) -> NewAnnouncement:
    """The announcement the form describes; raises `FormError` with the reason."""
    if not draft.text.strip():
        raise FormError(catalogue.t("web.text_required"))
    if len(draft.text) > MAX_TEXT:
        raise FormError(catalogue.t("web.spec_text_too_long", limit=MAX_TEXT))
    try:
        fields = SpecFields(
            text=draft.text,
            targets=draft.targets,
            at=draft.at,
            every=draft.every,
            until=draft.until,
            count=draft.count,
            tz=draft.tz,
            quiet=quiet_between(draft.quiet_start, draft.quiet_end),
            urgent=draft.urgent,
            pin=draft.pin,
        )
        return parse_spec(fields, draft.tz)
    except SpecError as exc:
        raise FormError(catalogue.t(f"web.spec_{exc.problem}", **exc.values)) from None


def _form(request: web.Request, draft: Draft, **extra: Any) -> web.Response:
    status = 400 if extra.get("error") else 200
    context: dict[str, Any] = {"draft": draft, "error": "", "preview": None, **extra}
    return page(request, "announcement_new.html", context, status=status)


def _shown(view: Preview, spec: NewAnnouncement, default: QuietHours, t: Texts) -> dict[str, Any]:
    """The runs, the chats, and the rules that shaped the runs (end, quiet hours)."""
    rules = []
    if spec.schedule.until is not None:
        rules.append(t.t("web.preview_until", until=spec.schedule.until.isoformat()))
    if spec.schedule.count is not None:
        rules.append(t.t("web.preview_count", count=spec.schedule.count))
    quiet = spec.quiet or default
    if spec.urgent:
        rules.append(t.t("web.preview_urgent"))
    elif quiet.start == quiet.end:
        rules.append(t.t("web.preview_no_quiet"))
    else:
        key = "web.preview_quiet_set" if spec.quiet else "web.preview_quiet_default"
        rules.append(t.t(key, quiet=str(quiet)))
    return {
        "runs": [f"{r:%Y-%m-%d %H:%M %Z}" for r in view.runs],
        "chats": [{"id": c.id, "title": c.title, "tags": ", ".join(c.tags)} for c in view.chats],
        "unmatched": list(view.unmatched),
        "rules": rules,
    }


async def new_announcement(request: web.Request) -> web.Response:
    admin_only(request)
    return _form(request, Draft(tz=request.app[SETTINGS].timezone))


async def create_announcement(request: web.Request) -> web.Response:
    viewer = admin_only(request)
    form = await request.post()

    def field(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    draft = Draft(
        text=field("text"),
        targets=field("targets"),
        at=field("at"),
        every=field("every"),
        until=field("until"),
        count=field("count"),
        tz=field("tz").strip() or request.app[SETTINGS].timezone,
        quiet_start=field("quiet_start"),
        quiet_end=field("quiet_end"),
        urgent=field("urgent") == "on",
        pin=field("pin") == "on",
    )
    catalogue = texts(request)
    try:
        spec = _spec(draft, catalogue)
    except FormError as exc:
        return _form(request, draft, error=str(exc))
    svc = service(request)
    if field("step") != "create" or field("previewed") != draft.digest():
        shown = _shown(await svc.preview(spec), spec, svc.quiet, catalogue)
        return _form(request, draft, preview=shown, previewed=draft.digest())

    async def audit(session: AsyncSession, ann: Announcement) -> None:  # in create's commit
        what = f"announcement #{ann.id} ({ann.status}): {ann.title}"
        await record_access(session, viewer, "announcement_created", what)

    ann = await svc.create(spec, audit=audit)
    raise web.HTTPFound(f"/announcements/{ann.id}")


async def cancel_announcement(request: web.Request) -> web.Response:
    viewer = admin_only(request)
    try:
        aid = int(request.match_info["id"])
    except ValueError:
        raise deny(request, 404) from None
    svc = service(request)
    if await svc.get(aid) is None:
        raise deny(request, 404)

    async def audit(session: AsyncSession, ann: Announcement) -> None:  # in cancel's commit
        await record_access(session, viewer, "announcement_cancelled", f"announcement #{ann.id}")

    await svc.cancel(aid, audit=audit)  # one already over is left alone, unaudited
    raise web.HTTPFound(f"/announcements/{aid}")
