"""Transport: header auth, no token in URLs or logs, TLS, and the error map."""

from __future__ import annotations

import logging
import ssl
import subprocess
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.errors import (
    AuthFailed,
    InvalidRequest,
    MessengerError,
    NotAdmin,
    NotFound,
    PrivacyRefused,
    RateLimited,
    TransientError,
)
from adapters.max_messenger import DEFAULT_API_URL, MaxAdapter, MaxApi
from adapters.max_messenger.api import tls_context
from tests.adapters.max.conftest import Gcra
from tests.adapters.max.fake_max import TOKEN, FakeMax


def test_defaults_to_the_current_host() -> None:
    assert DEFAULT_API_URL == "https://platform-api2.max.ru"
    assert MaxApi("t").api_url == DEFAULT_API_URL


async def test_token_only_in_the_authorization_header(
    fake: FakeMax, adapter: MaxAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await adapter.get_me()
    await adapter.send_message("-1", "hi")
    fake.fail("GET /chats/5", 500, times=1)
    await adapter.chat_info("5")
    fake.fail("DELETE /messages", 403, {"code": "access.denied", "message": "no"}, times=1)
    with pytest.raises(NotAdmin):
        await adapter.delete_messages("5", ["mid.1"])
    for seen in fake.requests:
        assert seen.headers["Authorization"] == TOKEN  # raw, no "Bearer"
        assert TOKEN not in seen.url and "access_token" not in seen.query
    assert caplog.records  # something was logged, and none of it shows the token
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert TOKEN not in repr(adapter) and TOKEN not in repr(adapter.api)


async def test_a_wrong_token_is_auth_failed(server: TestServer) -> None:
    api = MaxApi("wrong", api_url=str(server.make_url("")))
    with pytest.raises(AuthFailed) as err:
        await api.request("GET", "/me")
    assert err.value.code == "verify.token"
    await api.close()


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, {"code": "proto.payload", "message": "bad"}, InvalidRequest),
        (401, {"code": "verify.token", "message": "Invalid access_token"}, AuthFailed),
        (403, {"code": "access.denied", "message": "Insufficient permissions"}, NotAdmin),
        (403, {"code": "deprecated.token", "message": "use header"}, AuthFailed),
        (403, {"code": "add.participant.privacy", "message": "x"}, PrivacyRefused),
        (403, {"code": "access.denied", "message": "User privacy settings"}, PrivacyRefused),
        (404, {"code": "chat.not.found", "message": "Chat 1 not found"}, NotFound),
        (429, {"code": "too.many.requests", "message": "slow down"}, RateLimited),
        (503, {"code": "internal", "message": "later"}, TransientError),
        (200, {"success": False, "message": "Chat not found"}, NotFound),
        (200, {"success": False, "message": "Insufficient permissions"}, NotAdmin),
        (200, {"success": False, "message": "something odd"}, InvalidRequest),
    ],
)
async def test_error_map(
    fake: FakeMax, server: TestServer, status: int, body: dict[str, object], expected: type
) -> None:
    api = MaxApi(TOKEN, api_url=str(server.make_url("")))
    fake.fail("POST /answers", status, body)
    with pytest.raises(expected) as err:
        await api.request("POST", "/answers", query={"callback_id": "x"}, body={})
    assert type(err.value) is expected
    assert err.value.method == "POST /answers"
    await api.close()


async def test_network_failure_is_transient() -> None:
    api = MaxApi(TOKEN, api_url="http://127.0.0.1:9", timeout=2)
    with pytest.raises(TransientError) as err:
        await api.request("GET", "/me")
    assert TOKEN not in str(err.value)
    await api.close()


async def test_a_2xx_that_is_not_json_is_not_retried(aiohttp_server) -> None:  # type: ignore[no-untyped-def]
    async def html(_: web.Request) -> web.Response:
        return web.Response(text="<html>")

    app = web.Application()
    app.router.add_get("/me", html)
    server = await aiohttp_server(app)
    api = MaxApi(TOKEN, api_url=str(server.make_url("")))
    with pytest.raises(MessengerError) as err:
        await api.request("GET", "/me")
    assert not isinstance(err.value, TransientError)
    await api.close()


async def test_429_is_retried_by_the_queue(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.fail("POST /messages", 429, {"code": "too.many.requests", "message": "x"}, times=2)
    assert await adapter.send_message(str(-1), "hi") == "mid.sent1"
    assert len(fake.calls("POST /messages")) == 3


async def test_5xx_gives_up_after_the_retry_budget(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.fail("GET /me", 502, times=10)
    with pytest.raises(TransientError):
        await adapter.get_me()
    assert len(fake.calls("GET /me")) == 4  # RetryPolicy(max_attempts=4) in conftest


async def test_every_call_reserves_the_token_bucket(
    fake: FakeMax, adapter: MaxAdapter, limiter: Gcra
) -> None:
    await adapter.get_me()
    await adapter.chat_info("1")
    assert limiter.reserved == 2
    assert adapter.bucket.startswith("max:") and TOKEN not in adapter.bucket
    other = MaxAdapter("another", limiter=limiter)
    assert other.bucket != adapter.bucket
    await other.close()


def test_tls_verifies_and_adds_the_ca_file(tmp_path: Path) -> None:
    plain = tls_context(None)
    assert plain.verify_mode is ssl.CERT_REQUIRED and plain.check_hostname
    key, pem = tmp_path / "ca.key", tmp_path / "ca.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=Test Russian Trusted Root CA",
            "-keyout",
            str(key),
            "-out",
            str(pem),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
        ],
        check=True,
        capture_output=True,
    )
    with_ca = tls_context(str(pem))
    assert with_ca.verify_mode is ssl.CERT_REQUIRED and with_ca.check_hostname
    subjects = [dict(x[0] for x in c["subject"]) for c in with_ca.get_ca_certs()]
    assert {"commonName": "Test Russian Trusted Root CA"} in subjects
    with pytest.raises(FileNotFoundError):
        tls_context(str(tmp_path / "missing.pem"))
