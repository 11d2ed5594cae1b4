"""A scripted VK server: `/method/<name>` (with `execute`) and a long poll endpoint `/lp`.

Replies follow the schema's envelopes (`{"response": ...}` / `{"error": {...}}`). A
scripted reply is a body dict, an HTTP status int, the string "hang", "garbage" (not
JSON) or a callable taking the form params. `execute` really runs the VKScript the
adapter builds (`return [API.m({...}), ...];`) through the same scripts, as VK does:
`false` plus an `execute_errors` entry for each call that fails.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web

from adapters.outbound import RetryPolicy
from adapters.vk_messenger import VkAdapter
from storage.state.memory import MemoryState

TOKEN = "vk1.a.super-secret-token-value"
GROUP = 42
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.005, rate_limited_delay=0.05)

Reply = Any


def ok(value: Any) -> dict[str, Any]:
    return {"response": value}


def err(code: int, msg: str = "error") -> dict[str, Any]:
    return {"error": {"error_code": code, "error_msg": msg, "request_params": []}}


def sent(peer: int, cmid: int) -> dict[str, Any]:
    """A `messages.send` answer for `peer_ids` (schema messages_send_user_ids_response)."""
    return ok([{"peer_id": peer, "message_id": 0, "conversation_message_id": cmid}])


_CALL = re.compile(r"API\.([\w.]+)\(")


def parse_vkscript(code: str) -> list[tuple[str, dict[str, Any]]]:
    assert code.startswith("return [") and code.endswith("];"), code
    decoder = json.JSONDecoder()
    calls, pos = [], len("return [")
    while (m := _CALL.match(code, pos)) is not None:
        params, end = decoder.raw_decode(code, m.end())
        assert code[end] == ")"
        calls.append((m.group(1), {k: str(v) for k, v in params.items()}))
        pos = end + 1
        if code[pos] == ",":
            pos += 1
    assert code[pos:] == "];", code[pos:]
    return calls


class FakeVk:
    def __init__(self) -> None:
        self.url = self.lp_url = ""
        self.servers_given = 0
        self.scripts: dict[str, list[Reply]] = defaultdict(list)
        self.defaults: dict[str, Reply] = {
            "groups.getById": ok({"groups": [{"id": GROUP, "name": "Школа"}]}),
            "groups.getLongPollServer": lambda p: ok(
                {"server": self.lp_url, "key": f"key{self.servers_given}", "ts": "100"}
            ),
            "messages.send": lambda p: sent(int(p["peer_ids"]), self._next_cmid()),
        }
        self.requests: list[tuple[str, dict[str, str]]] = []  # HTTP level
        self.calls: list[tuple[str, dict[str, str]]] = []  # logical, inside execute too
        self.headers: list[dict[str, str]] = []
        self.lp_script: list[Reply] = []
        self.lp_requests: list[dict[str, str]] = []
        self.cmid = 1000

    def _next_cmid(self) -> int:
        self.cmid += 1
        return self.cmid

    def reply(self, method: str, *replies: Reply) -> None:
        self.scripts[method].extend(replies)

    def methods(self) -> list[str]:
        return [m for m, _ in self.calls]

    def _answer(self, method: str, params: dict[str, str]) -> Reply:
        self.calls.append((method, params))
        if method == "groups.getLongPollServer":
            self.servers_given += 1
        script = self.scripts.get(method)
        reply = script.pop(0) if script else self.defaults.get(method, ok(1))
        return reply(params) if callable(reply) else reply

    async def method(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        params = dict(await request.post())
        self.headers.append(dict(request.headers))
        self.requests.append((name, {k: str(v) for k, v in params.items()}))
        form = {k: str(v) for k, v in params.items()}
        reply = self._execute(form) if name == "execute" else self._answer(name, form)
        return await _respond(reply)

    def _execute(self, params: dict[str, str]) -> Reply:
        results: list[Any] = []
        errors: list[dict[str, Any]] = []
        for method, inner in parse_vkscript(params["code"]):
            reply = self._answer(method, inner)
            if isinstance(reply, dict) and "error" in reply:
                results.append(False)
                errors.append({"method": method, **reply["error"]})
            else:
                results.append(reply["response"])
        body: dict[str, Any] = {"response": results}
        if errors:
            body["execute_errors"] = errors
        return body

    async def long_poll(self, request: web.Request) -> web.StreamResponse:
        query = dict(request.query)
        self.lp_requests.append(query)
        if self.lp_script:
            reply = self.lp_script.pop(0)
            return await _respond(reply(query) if callable(reply) else reply)
        await asyncio.sleep(0.01)  # an idle poll: nothing happened
        return web.json_response({"ts": query["ts"], "updates": []})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/method/{name}", self.method)
        app.router.add_get("/lp", self.long_poll)
        return app


async def _respond(reply: Reply) -> web.StreamResponse:
    if isinstance(reply, int):
        return web.Response(status=reply, text="oops")
    if reply == "hang":
        await asyncio.sleep(3600)
    if reply == "garbage":
        return web.Response(text="<html>502 Bad Gateway</html>")
    return web.json_response(reply)


class MemoryCursors:
    """A CursorStore that also records every save."""

    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self.values = dict(initial or {})
        self.saves: list[tuple[str, str]] = []

    async def load_cursor(self, key: str) -> str | None:
        return self.values.get(key)

    async def save_cursor(self, key: str, value: str) -> None:
        self.values[key] = value
        self.saves.append((key, value))


@pytest.fixture
async def vk(aiohttp_server: Any) -> FakeVk:
    fake = FakeVk()
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("/method/"))
    fake.lp_url = str(server.make_url("/lp"))
    return fake


AdapterFactory = Callable[..., VkAdapter]


@pytest.fixture
async def make_adapter(vk: FakeVk) -> AsyncIterator[AdapterFactory]:
    made: list[VkAdapter] = []

    def make(**kw: Any) -> VkAdapter:
        options: dict[str, Any] = {
            "limiter": MemoryState(),
            "api_url": vk.url,
            "rate": 1000.0,
            "group_id": GROUP,
            "retry": FAST_RETRY,
        }
        options.update(kw)
        adapter = VkAdapter(TOKEN, **options)
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.close()


@pytest.fixture
def adapter(make_adapter: AdapterFactory) -> VkAdapter:
    return make_adapter()
