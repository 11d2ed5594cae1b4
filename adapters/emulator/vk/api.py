"""`/method/<name>`: the VK API as a bot calls it (NOTES §0, §6, §7).

Order of checks, as VK applies them: token (5), rate (6), injected errors, then
the method (parameter validation, 100; the method's own errors). Every call,
including each call inside `execute`, is written to the call log with the
parameters the schema does not know.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from adapters.emulator.hub import Emulator
from adapters.emulator.transport import transport_fault
from adapters.emulator.vk.errors import VkApiError, error_envelope
from adapters.emulator.vk.execute import parse_code, wire_params
from adapters.emulator.vk.methods import METHODS, Call
from adapters.emulator.vk.params import parse_params
from adapters.emulator.vk.ratelimit import SlidingWindow
from adapters.emulator.vk.spec import method_spec

__all__ = ["MethodApi"]

API_ERROR = frozenset({"api_error"})


class MethodApi:
    """Dispatches API requests; `make_call` builds the per-call context."""

    def __init__(
        self,
        hub: Emulator,
        limiter: SlidingWindow | None,
        make_call: Callable[[dict[str, Any], str], Call],
    ) -> None:
        self.hub = hub
        self.limiter = limiter
        self.make_call = make_call

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        raw: dict[str, str] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            form = await request.post()
            raw.update({k: v for k, v in form.items() if isinstance(v, str)})
        token = raw.pop("access_token", None)
        header = request.headers.get("Authorization", "")
        if token is None and header.startswith("Bearer "):
            token = header[len("Bearer ") :].strip()
        faulted = await transport_fault(request, self.hub.faults, name)
        if faulted is not None:
            self.hub.calls.record(name, raw, error={"fault": faulted[0].kind})
            return faulted[1]
        try:
            self._admit(name, raw, token)
            result, extra = self.call(name, raw, str(request.url.origin()), None)
            body: dict[str, Any] = {"response": result, **extra}
        except VkApiError as exc:
            body = error_envelope(exc, name, raw)
        return web.json_response(body, dumps=_dumps)

    def _admit(self, name: str, raw: dict[str, str], token: str | None) -> None:
        error: VkApiError | None = None
        if not token:
            error = VkApiError(5, "no access_token passed.")
        elif token != self.hub.token:
            error = VkApiError(5, "invalid access_token (4).")
        elif not raw.get("v"):
            error = VkApiError(8, "v (version) is required")
        elif self.limiter is not None and not self.limiter.allow(token):
            error = VkApiError(6)
        else:
            fault = self.hub.faults.draw(API_ERROR, name)
            if fault is not None:
                error = VkApiError(fault.code)
        if error is not None:
            self.hub.calls.record(name, raw, error=_logged(error))
            raise error

    def call(
        self, name: str, raw: dict[str, str], base_url: str, parent: int | None
    ) -> tuple[Any, dict[str, Any]]:
        """Run one method; returns its result and extra envelope keys (execute_errors)."""
        entry = self.hub.calls.record(name, raw, parent=parent)
        try:
            spec = method_spec(name)
            if spec is None or (name not in METHODS and name != "execute"):
                raise VkApiError(3, name)
            params, entry["unknown_params"] = parse_params(spec, raw)
            if name == "execute":
                result, extra = self._execute(params["code"], base_url, entry["seq"])
            else:
                result, extra = METHODS[name](self.make_call(params, base_url)), {}
        except VkApiError as exc:
            del entry["result"]
            entry["error"] = _logged(exc)
            raise
        entry["result"] = result
        return result, extra

    def _execute(self, code: str, base_url: str, seq: int) -> tuple[Any, dict[str, Any]]:
        """Failed items become `false` and go to `execute_errors` (NOTES §6)."""
        calls, listed = parse_code(code)
        results: list[Any] = []
        errors: list[dict[str, Any]] = []
        for method, args in calls:
            raw = wire_params(args)
            try:
                fault = self.hub.faults.draw(API_ERROR, method, explicit_only=True)
                if fault is not None:
                    error = VkApiError(fault.code)
                    self.hub.calls.record(method, raw, error=_logged(error), parent=seq)
                    raise error
                results.append(self.call(method, raw, base_url, seq)[0])
            except VkApiError as exc:
                results.append(False)
                errors.append(exc.execute_item(method))
        extra = {"execute_errors": errors} if errors else {}
        return (results if listed else results[0]), extra


def _logged(error: VkApiError) -> dict[str, Any]:
    return {"error_code": error.code, "error_msg": error.msg}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)
