"""The HTTP transport of the MAX Bot API: one place that knows host, auth and TLS.

The token travels only in the `Authorization` header, raw, without `Bearer` (NOTES §2);
query-string auth is rejected by the server and would leak into access logs. Nothing
here logs headers, and `repr` hides the token.
"""

from __future__ import annotations

import hashlib
import json
import logging
import ssl
from collections.abc import Mapping
from typing import Any

import aiohttp

from adapters.errors import InvalidRequest, MessengerError, TransientError
from adapters.max_messenger.errors import error_for_refusal, error_for_status

__all__ = ["DEFAULT_API_URL", "MaxApi", "as_id", "token_fingerprint"]

log = logging.getLogger("etiket.max.api")

DEFAULT_API_URL = "https://platform-api2.max.ru"  # NOTES §2: the old hosts are switched off
DEFAULT_TIMEOUT = 35.0

Query = Mapping[str, str | int | bool | None]


def as_id(value: str, what: str) -> int:
    """A chat, user or message id as MAX's API takes it (int64); `InvalidRequest` if not."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidRequest(f"not a MAX {what}: {value!r}") from None


def token_fingerprint(token: str) -> str:
    """A short stable name for a token (rate buckets, cursor keys) that does not reveal it."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """System roots plus an extra CA bundle (the Mintsifry root, NOTES §0); never unverified."""
    ctx = ssl.create_default_context()
    if ca_file:
        ctx.load_verify_locations(cafile=ca_file)
    return ctx


def _query(query: Query | None) -> dict[str, str]:
    # aiohttp refuses bools; MAX wants lowercase `true`/`false` (schema: `block`).
    out: dict[str, str] = {}
    for key, value in (query or {}).items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


class MaxApi:
    """Sends one request and returns its JSON object or raises a typed `MessengerError`."""

    def __init__(
        self,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        ca_file: str | None = None,
        session: aiohttp.ClientSession | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not token:
            raise ValueError("a MAX bot token is required")
        self._token = token
        self.fingerprint = token_fingerprint(token)
        self.api_url = api_url.rstrip("/")
        self._ssl = tls_context(ca_file)
        self._session = session
        self._own_session = session is None
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"MaxApi({self.api_url!r}, token=<{self.fingerprint}>)"

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(raise_for_status=False)
            self._own_session = True
        return self._session

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Query | None = None,
        body: Mapping[str, Any] | None = None,
        time_limit: float | None = None,
    ) -> dict[str, Any]:
        """One call; `success: false` on a 200 is raised like any other refusal (NOTES §6)."""
        name = f"{method} {path}"
        try:
            async with self._client().request(
                method,
                self.api_url + path,
                params=_query(query),
                json=body,
                headers={"Authorization": self._token},
                ssl=self._ssl,
                timeout=aiohttp.ClientTimeout(total=time_limit or self.timeout),
            ) as resp:
                status = resp.status
                raw = await resp.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            # The exception text may carry the URL, which never holds the token.
            raise TransientError(f"{name}: {type(exc).__name__}", method=name) from exc
        log.debug("max %s -> %d (%d bytes)", name, status, len(raw))
        data = _decode(raw)
        if not 200 <= status < 300:
            raise error_for_status(status, data, name)
        if data is None:
            raise MessengerError(f"{name}: the answer is not a JSON object", method=name)
        if data.get("success") is False:
            raise error_for_refusal(data, name)
        return data

    async def close(self) -> None:
        """Close the session if this object opened it."""
        if self._own_session and self._session is not None and not self._session.closed:
            await self._session.close()


def _decode(raw: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
