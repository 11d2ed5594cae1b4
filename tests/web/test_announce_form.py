"""The announcement form's end, count, quiet hours and urgency; its errors; its audit rows.

The form and `etiket announce` read fields through one parser (`parse_spec`), so
the CLI's checks hold here, with the errors in the viewer's language.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.services.announcement_specs import SpecError, SpecFields, parse_spec, quiet_between
from storage.db import Database
from storage.models import Announcement, AuditRecord
from tests.web.helpers import csrf_of, login

FORM = {"text": "Собрание", "targets": "5А", "every": "mon,thu 08:00", "at": "",
        "tz": "Europe/Moscow"}  # fmt: skip
"""The clock stands at Thursday 2025-03-06 12:00 MSK: this Thursday's 08:00 is past."""


async def _admin(aiohttp_client: Any, app: web.Application) -> tuple[Any, str]:
    client = await aiohttp_client(app)
    assert await login(client, "admin") == 302
    return client, csrf_of(await (await client.get("/announcements/new")).text())


def _between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


async def _preview(client: Any, token: str, **fields: str) -> str:
    response = await client.post("/announcements/new", data={**FORM, **fields, "csrf": token})
    html = str(await response.text())
    assert response.status == 200, _between(html, 'id="form-error">', "<")
    return html


def _runs(html: str) -> list[str]:
    return [
        r.split("</li>")[0] for r in _between(html, '<ol id="runs">', "</ol>").split("<li>")[1:]
    ]


async def test_until_and_count_end_the_recurrence(
    aiohttp_client: Any, app: web.Application
) -> None:
    client, token = await _admin(aiohttp_client, app)
    html = await _preview(client, token, count="3")
    assert _runs(html) == ["2025-03-10 08:00 MSK", "2025-03-13 08:00 MSK", "2025-03-17 08:00 MSK"]
    assert "Всего отправок: 3." in _between(html, '<ul id="rules">', "</ul>")
    assert 'name="count" value="3"' in html  # the form is filled again
    html = await _preview(client, token, until="2025-03-13")
    assert _runs(html) == ["2025-03-10 08:00 MSK", "2025-03-13 08:00 MSK"]
    assert "Повторяется до 2025-03-13 включительно." in html


async def test_quiet_hours_override_and_urgent(aiohttp_client: Any, app: web.Application) -> None:
    client, token = await _admin(aiohttp_client, app)
    late = {"every": "mon 22:30"}
    html = await _preview(client, token, **late)  # the default 21:00-08:00 holds it
    assert _runs(html)[0] == "2025-03-11 08:00 MSK"
    assert "Тихие часы 21:00-08:00 (по умолчанию)" in html
    html = await _preview(client, token, **late, quiet_start="23:00", quiet_end="07:00")
    assert _runs(html)[0] == "2025-03-10 22:30 MSK"
    assert "Тихие часы 23:00-07:00 (заданы для этого объявления)" in html
    html = await _preview(client, token, **late, quiet_start="00:00", quiet_end="00:00")
    assert _runs(html)[0] == "2025-03-10 22:30 MSK" and "Тихих часов нет" in html
    html = await _preview(client, token, **late, urgent="on")
    assert _runs(html)[0] == "2025-03-10 22:30 MSK"
    assert "Срочное: отправляется и в тихие часы." in html


async def test_created_with_every_field_and_audited(
    aiohttp_client: Any, app: web.Application, web_db: Database
) -> None:
    client, token = await _admin(aiohttp_client, app)
    fields = {"every": "mon 22:30", "count": "2", "quiet_start": "23:00", "quiet_end": "07:00",
              "urgent": "on"}  # fmt: skip
    html = await _preview(client, token, **fields)
    previewed = _between(html, 'name="previewed" value="', '"')
    data = {**FORM, **fields, "csrf": token, "step": "create", "previewed": previewed}
    created = await client.post("/announcements/new", data=data, allow_redirects=False)
    assert created.status == 302
    cancelled = await client.post(
        created.headers["Location"] + "/cancel", data={"csrf": token}, allow_redirects=False
    )
    assert cancelled.status == 302
    again = await client.post(  # already cancelled: nothing done, nothing recorded
        created.headers["Location"] + "/cancel", data={"csrf": token}, allow_redirects=False
    )
    assert again.status == 302
    async with web_db.transaction() as s:
        [ann] = (await s.execute(select(Announcement))).scalars()
        rows = list(
            (
                await s.execute(
                    select(AuditRecord)
                    .where(AuditRecord.action.startswith("announcement_"))
                    .order_by(AuditRecord.id)
                )
            ).scalars()
        )
    assert ann.urgent and ann.schedule is not None and ann.status == "cancelled"
    assert ann.schedule["count"] == 2 and ann.schedule["quiet"] == "23:00-07:00"
    assert [(r.action, r.actor_id, r.actor_kind) for r in rows] == [
        ("announcement_created", "dashboard:admin", "person"),
        ("announcement_cancelled", "dashboard:admin", "person"),
    ]
    assert all(f"announcement #{ann.id}" in (r.reason or "") for r in rows)
    assert all(r.chat_id is None and r.case_number is None for r in rows)
    log = await (await client.get("/")).text()
    assert "announcement_created" not in log  # the moderation log stays about moderation
    asked = await (await client.get("/?action=announcement_created")).text()
    assert f"announcement #{ann.id}" in asked


ERRORS = [
    ({"every": "mon 08:00", "at": "2025-03-20 10:00"}, "Укажите что-то одно", "exactly one"),
    ({"count": "три"}, "Число отправок «три» — не число.", "is not a number"),
    ({"count": "0"}, "не меньше 1", "at least 1"),
    ({"until": "31.03.2025"}, "Дата окончания «31.03.2025» не понята", "end date"),
    ({"until": "2025-03-31", "count": "2"}, "но не оба", "not both"),
    ({"every": "", "at": "2025-03-20 10:00", "count": "2"}, "только для регулярных",
     "recurring announcements only"),
    ({"every": "someday 08:00"}, "Расписание «someday 08:00» не понято", "schedule"),
    ({"every": "", "at": "завтра"}, "Дата и время «завтра» не поняты", "date and time"),
    ({"targets": "5А, @директора"}, "Цель «@директора» не понята", "target"),
    ({"targets": " , "}, "Не указано, в какие чаты", "No chats"),
    ({"tz": "Mars/Base"}, "Часовой пояс «Mars/Base» неизвестен", "Unknown time zone"),
    ({"quiet_start": "22:00"}, "и начало, и конец", "both the start and the end"),
    ({"quiet_start": "25:00", "quiet_end": "07:00"}, "Тихие часы «25:00-07:00» не поняты",
     "quiet hours"),
    ({"text": "я" * 4001}, "Текст длиннее 4000 символов.", "longer than 4000"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "russian", "english"), ERRORS)
async def test_errors_are_one_line_in_the_viewers_language(
    aiohttp_client: Any, app: web.Application, web_db: Database,
    fields: dict[str, str], russian: str, english: str,
) -> None:  # fmt: skip
    client, token = await _admin(aiohttp_client, app)
    data = {**FORM, **fields, "csrf": token, "step": "create", "previewed": "x"}
    response = await client.post("/announcements/new", data=data)
    assert response.status == 400
    error = _between(await response.text(), '<p class="error" id="form-error">', "</p>")
    assert russian in error and "\n" not in error
    await client.post("/lang", data={"to": "en", "csrf": token, "next": "/announcements/new"})
    response = await client.post("/announcements/new", data=data)
    error = _between(await response.text(), '<p class="error" id="form-error">', "</p>")
    assert english in error and "\n" not in error
    async with web_db.transaction() as s:
        assert list((await s.execute(select(Announcement))).scalars()) == []


def test_the_cli_and_the_form_share_the_parser() -> None:
    spec = parse_spec(
        SpecFields(targets=["5А", "#3"], every="пн 08:00", until="2026-05-31",
                   quiet=quiet_between("22:00", "07:00"), urgent=True),
        "Asia/Novosibirsk",
    )  # fmt: skip
    assert spec.targets == ("5А", "#3") and spec.time_zone == "Asia/Novosibirsk"
    assert spec.schedule.until is not None and spec.schedule.until.isoformat() == "2026-05-31"
    assert str(spec.quiet) == "22:00-07:00" and spec.urgent
    assert quiet_between(" ", "") == ""
    with pytest.raises(SpecError) as caught:
        parse_spec(SpecFields(targets="5А", every="пн 08:00", count=0), "UTC")
    assert (
        caught.value.problem == "count_low" and str(caught.value) == "the count must be at least 1"
    )
