"""Templates (Jinja2 with autoescape on) and the helpers every page uses.

Autoescape is on for every template, so a name like `<script>` is text wherever it
lands; the only `Markup` the code makes is the server-drawn SVG of `charts`, whose
labels are escaped there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.i18n import Texts
from bot.web.session import LANG, PRE_CSRF, VIEWER

__all__ = ["deny", "page", "setup_templates", "texts", "when"]


def setup_templates(app: web.Application) -> None:
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )


def texts(request: web.Request) -> Texts:
    return Texts(request.get(LANG, "ru"))


def when(at: datetime | None, zone: str) -> str:
    """A UTC time stamp shown in the school's zone."""
    if at is None:
        return ""
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def page(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    """Render `template` with the viewer, the language and `t` (the `[web]` texts)."""
    catalogue = texts(request)
    viewer = request.get(VIEWER)
    base = {
        "t": lambda key, **values: catalogue.t(f"web.{key}", **values),
        "lang": catalogue.language,
        "viewer": viewer,
        "csrf": viewer.csrf if viewer is not None else request.get(PRE_CSRF, ""),
        "path": request.path_qs,
    }
    return aiohttp_jinja2.render_template(template, request, {**base, **context}, status=status)


def deny(request: web.Request, status: int) -> web.HTTPException:
    """A 403 or 404 page in the viewer's language, to `raise`."""
    key = "web.forbidden" if status == 403 else "web.not_found"
    response = page(request, "error.html", {"message": texts(request).t(key)}, status=status)
    error = web.HTTPForbidden if status == 403 else web.HTTPNotFound
    return error(
        text=response.text, content_type="text/html", headers={"Cache-Control": "no-store"}
    )
