"""Statistics on both databases, charts, `/metrics` and `/healthz`."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.web import MetricsRegistry, WebOptions
from bot.web.charts import bar_chart
from bot.web.stats import collect
from storage.db import Database
from storage.repos import Outbox
from tests.web.conftest import make_app
from tests.web.helpers import EVIL, T0, Clock, seed


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated database of each backend (a sync fixture: it may run `asyncio.run`)."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgresql_url"))
    shutil.copy(sqlite_template, tmp_path / "stats.db")
    return f"sqlite:///{tmp_path / 'stats.db'}"


@pytest.fixture
async def any_db(any_db_url: str) -> AsyncIterator[Database]:
    database = Database(any_db_url)
    try:
        yield database
    finally:
        await database.close()


async def test_statistics_per_chat_and_week(any_db: Database) -> None:
    ids = await seed(any_db)
    async with any_db.transaction() as s:
        action = await Outbox(s).add(
            key=f"dm-{ids.chat_a}", platform="vk", kind="private", params={"user_id": "101"}
        )
        await Outbox(s).fail(action.id, "PrivacyRefused: the user does not accept messages")
        from storage.models import ChatCurator

        s.add(ChatCurator(chat_id=ids.chat_a, person_id="p1"))
    scope = frozenset({ids.chat_a, ids.chat_b})
    async with any_db.transaction() as s:
        stats = await collect(s, scope, T0 + timedelta(days=3), 4)
    assert stats.weeks[-1] == T0.date()
    assert stats.week_total("violations")[-1] == 3
    assert stats.week_total("messages")[-1] == 2
    assert stats.rules[ids.chat_b, "insult"] == 1
    assert stats.findings["flood"] == 1
    assert stats.active[ids.chat_a] == 3 and stats.unknown[ids.chat_a] == 1
    assert EVIL in stats.unreachable


async def test_stats_page_draws_escaped_svg(aiohttp_client: Any, app: web.Application) -> None:
    from tests.web.helpers import login

    client = await aiohttp_client(app)
    assert await login(client, "curator") == 302
    html = await (await client.get("/stats")).text()
    assert html.count("<svg") == 2 and "6Б родители" not in html
    assert "<polyline" in html and "<rect" in html


def test_chart_labels_are_escaped() -> None:
    svg = str(bar_chart("t", [EVIL], [3]))
    assert EVIL not in svg and "&lt;script&gt;" in svg


def test_metrics_text_format() -> None:
    m = MetricsRegistry(buckets=(0.1, 1.0))
    m.describe("etiket_events_total", "Events received")
    m.inc("etiket_events_total", platform="vk")
    m.inc("etiket_events_total", 2, platform="vk")
    m.set("etiket_queue_depth", 4)
    m.observe("etiket_api_latency_seconds", 0.05, platform="max")
    m.observe("etiket_api_latency_seconds", 0.5, platform="max")
    text = m.render()
    assert "# HELP etiket_events_total Events received" in text
    assert 'etiket_events_total{platform="vk"} 3' in text
    assert "etiket_queue_depth 4" in text
    assert 'etiket_api_latency_seconds_bucket{platform="max",le="0.1"} 1' in text
    assert 'etiket_api_latency_seconds_bucket{platform="max",le="+Inf"} 2' in text
    assert 'etiket_api_latency_seconds_count{platform="max"} 2' in text


async def test_metrics_endpoint_wants_the_token(
    aiohttp_client: Any, web_db: Database, clock: Clock, metrics: MetricsRegistry
) -> None:
    metrics.inc("etiket_actions_total", platform="vk", kind="delete")
    app = make_app(web_db, clock, metrics, WebOptions(metrics_token="s3cret"))
    client = await aiohttp_client(app)
    assert (await client.get("/metrics")).status == 401
    bad = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert bad.status == 401
    good = await client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert good.status == 200
    assert 'etiket_actions_total{kind="delete",platform="vk"} 1' in await good.text()


async def test_metrics_on_loopback_without_token(aiohttp_client: Any, app: web.Application) -> None:
    client = await aiohttp_client(app)  # the test server listens on 127.0.0.1
    assert (await client.get("/metrics")).status == 200


async def test_healthz(aiohttp_client: Any, app: web.Application) -> None:
    client = await aiohttp_client(app)
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": "ok"}
