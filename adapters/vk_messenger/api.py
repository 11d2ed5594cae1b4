"""One HTTP request to the VK API, and nothing else: no queue, no retry, no pacing.

The outbound queue above it paces and retries; this turns each way a request can end
(an answer, an error envelope, a network failure, a timeout, a 5xx, a body that is
not JSON) into a result or a typed `MessengerError`. The token travels only in the
`Authorization` header (NOTES §0) and is never logged or put in an exception.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp

from adapters.errors import AuthFailed, InvalidRequest, RateLimited, TransientError
from adapters.vk_messenger.errors import error_from

__all__ = ["DEFAULT_API_URL", "VkApi", "encode_params", "encode_value"]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.vk.ru/method/"


def encode_value(value: Any) -> str | int:
    """NOTES §0: arrays comma-separated, booleans 1/0, nested objects as a JSON string."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def encode_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Form fields for a POST; None values are left out."""
    return {k: str(encode_value(v)) for k, v in params.items() if v is not None}


class VkApi:
    """POSTs `/method/<name>` with the version and bearer token; returns `response`."""

    def __init__(
        self,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        v: str = "5.199",
        session: aiohttp.ClientSession | None = None,
        timeout: float = 20.0,
    ) -> None:
        self._headers = {"Authorization": f"Bearer {token}"}
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        self.v = v
        self._session = session
        self._owns_session = session is None
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    def __repr__(self) -> str:  # the default repr would show nothing secret, but be sure
        return f"VkApi(api_url={self.api_url!r}, v={self.v!r})"

    async def request(self, method: str, params: Mapping[str, Any]) -> Any:
        """The `response` of one call, or the mapped error."""
        return (await self.request_body(method, params))["response"]

    async def request_body(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The whole decoded body (for `execute`, whose `execute_errors` sit beside it)."""
        data = encode_params(params)
        data["v"] = self.v
        session = self._ensure_session()
        try:
            async with session.post(
                self.api_url + method, data=data, headers=self._headers, timeout=self._timeout
            ) as resp:
                status = resp.status
                text = await resp.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(
                f"network error: {type(exc).__name__}", code="network", method=method
            ) from None
        if status != 200:
            raise _http_error(status, method)
        try:
            body = json.loads(text)
        except ValueError:
            raise TransientError("VK's answer is not JSON", method=method) from None
        if not isinstance(body, dict):
            raise TransientError("VK's answer is not a JSON object", method=method)
        if "error" in body:
            raise error_from(body["error"], method)
        if "response" not in body:
            raise TransientError("VK answered without `response`", method=method)
        return body

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    async def close(self) -> None:
        """Close the session if this client made it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
        self._session = None


def _http_error(status: int, method: str) -> Exception:
    message = f"HTTP {status}"
    if status == 429:
        return RateLimited(message, code=status, method=method)
    if status >= 500 or status == 408:
        return TransientError(message, code=status, method=method)
    if status in (401, 403):
        return AuthFailed(message, code=status, method=method)
    return InvalidRequest(message, code=status, method=method)
