"""CSV export: BOM, `;`, the current filter, the viewer's scope, no formulas."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp import web

from bot.web.views.export import safe_cell
from tests.web.helpers import EVIL, login


async def _csv(client: Any, **params: str) -> tuple[bytes, list[list[str]]]:
    response = await client.get("/log.csv", params=params)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = await response.read()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    return body, rows


async def test_csv_is_excel_friendly(aiohttp_client: Any, app: web.Application) -> None:
    client = await aiohttp_client(app)
    assert await login(client, "admin") == 302
    body, rows = await _csv(client)
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in body
    assert rows[0][:3] == ["Дело", "Время", "Чат"]
    assert len(rows) == 1 + 4
    assert any(EVIL in " ".join(r) for r in rows)  # CSV holds the raw name; Excel does not run it
    assert ["'=HYPERLINK(1)"] == [c for r in rows for c in r if "HYPERLINK" in c]


async def test_csv_follows_the_filter_and_the_scope(
    aiohttp_client: Any, app: web.Application
) -> None:
    client = await aiohttp_client(app)
    assert await login(client, "admin") == 302
    _, rows = await _csv(client, rule="insult")
    assert len(rows) == 2 and rows[1][5] == "block" and rows[1][1] == "2025-03-03 15:00"
    curator = await aiohttp_client(app)
    assert await login(curator, "curator") == 302
    _, rows = await _csv(curator)
    assert {r[2] for r in rows[1:]} == {"5А родители"}


def test_formula_cells_are_defused() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("Иванов") == "Иванов"
