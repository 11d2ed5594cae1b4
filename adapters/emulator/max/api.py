"""The request pipeline every MAX endpoint goes through (NOTES §2, §6).

Order, as the live API behaves: transport faults, then auth (a query
`access_token` is 403 `deprecated.token`; a missing or wrong `Authorization`
header is 401 `verify.token`), then the per-token rate (429), injected API
errors, and the handler. Every call is written to the call log first, so a held
long poll is visible while it waits, and its outcome is filled in afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from adapters.emulator.errors import WorldError
from adapters.emulator.max.context import MaxCall, bad
from adapters.emulator.max.errors import MaxApiError, NotDone, from_refusal, status_error
from adapters.emulator.ratelimit import SlidingWindow
from adapters.emulator.transport import transport_fault

if TYPE_CHECKING:
    from adapters.emulator.max.front import MaxFront

__all__ = ["Handler", "MaxApi"]

Handler = Callable[[MaxCall], Awaitable[dict[str, Any]]]
API_ERROR = frozenset({"api_error"})


class MaxApi:
    """Wraps method handlers; `known` lists each route's query parameters (schema.yaml)."""

    def __init__(self, front: MaxFront, limiter: SlidingWindow | None) -> None:
        self.front = front
        self.limiter = limiter

    def route(
        self, handler: Handler, known: frozenset[str]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            return await self.handle(request, handler, known)

        return serve

    async def handle(
        self, request: web.Request, handler: Handler, known: frozenset[str]
    ) -> web.StreamResponse:
        hub = self.front.hub
        resource = request.match_info.route.resource
        name = f"{request.method} {resource.canonical if resource else request.path}"
        query = dict(request.query)
        token = query.pop("access_token", None)
        params: dict[str, Any] = {**request.match_info, **query}
        unknown = sorted(set(query) - known - {"v"})
        faulted = await transport_fault(request, hub.faults, name)
        if faulted is not None:
            hub.calls.record(name, params, error={"fault": faulted[0].kind})
            return faulted[1]
        entry = hub.calls.record(name, params, unknown_params=unknown)
        try:
            self._admit(request, token, name)
            body = await _body(request)
            if body is not None:
                params["body"] = body
            result = await handler(MaxCall(self.front, request, query, body))
            status = 200
        except WorldError as exc:
            mapped = from_refusal(exc)
            status = mapped.status if isinstance(mapped, MaxApiError) else 200
            result = mapped.body()
        except NotDone as exc:
            status, result = 200, exc.body()
        except MaxApiError as exc:
            status, result = exc.status, exc.body()
        if status == 200 and result.get("success") is not False:
            entry["result"] = result
        else:
            del entry["result"]
            entry["error"] = {"status": status, **result}
        return web.json_response(result, status=status, dumps=_dumps)

    def _admit(self, request: web.Request, query_token: str | None, name: str) -> None:
        hub = self.front.hub
        if query_token is not None:  # NOTES §2: switched off in Feb 2026
            raise MaxApiError(
                403,
                "deprecated.token",
                "Query parameter access_token is deprecated, use Authorization header",
            )
        if request.headers.get("Authorization", "") != hub.token:  # raw, no Bearer
            raise MaxApiError(401, "verify.token", "Invalid access_token")
        if self.limiter is not None and not self.limiter.allow(hub.token):
            raise MaxApiError(429, "too.many.requests", "Too many requests")  # NOTES §6
        fault = hub.faults.draw(API_ERROR, name)
        if fault is not None:
            if fault.code == 200:  # the call "worked" but did nothing (NOTES §6)
                raise NotDone("injected failure")
            raise status_error(fault.code if 400 <= fault.code < 600 else 500, "injected failure")


async def _body(request: web.Request) -> Any:
    if request.method not in ("POST", "PUT", "PATCH") or not request.can_read_body:
        return None
    raw = await request.read()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise bad("the body is not JSON") from None


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)
