"""Each fault kind, as a plain aiohttp client observes it."""

from __future__ import annotations

import aiohttp
import pytest

from tests.emulator.conftest import Harness


async def test_http_500_for_the_next_n_matching_requests(fast: Harness) -> None:
    await fast.ctl("POST", "faults", {"kind": "http_500", "count": 2, "method": "users.get"})
    assert (await fast.ok("groups.getById"))["groups"]
    for _ in range(2):
        response = await fast.client.post("/method/users.get", data={"v": "5.199"})
        assert response.status == 500
    assert await fast.ok("users.get", user_ids="1") is not None
    calls = (await fast.ctl("GET", "calls"))["calls"]
    assert [c.get("error", {}).get("fault") for c in calls[1:3]] == ["http_500", "http_500"]


async def test_dropped_connection(fast: Harness) -> None:
    await fast.ctl("POST", "faults", {"kind": "drop"})
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await fast.client.post("/method/groups.getById", data={"v": "5.199"})
    assert await fast.ok("groups.getById")


async def test_timeout_holds_longer_than_the_client_waits(fast: Harness) -> None:
    await fast.ctl("POST", "faults", {"kind": "timeout", "hold": 5})
    with pytest.raises(TimeoutError):
        await fast.client.post(
            "/method/groups.getById",
            data={"v": "5.199"},
            timeout=aiohttp.ClientTimeout(total=0.2),
        )


async def test_api_error_6_burst_and_10(fast: Harness) -> None:
    await fast.ctl(
        "POST",
        "faults",
        {
            "faults": [
                {"kind": "api_error", "code": 6, "count": 3},
                {"kind": "api_error", "code": 10},
            ]
        },
    )
    codes = [
        (await fast.api("groups.getById")).get("error", {}).get("error_code") for _ in range(5)
    ]
    assert codes == [6, 6, 6, 10, None]


async def test_rate_is_seedable(fast: Harness) -> None:
    async def run() -> list[bool]:
        await fast.ctl("DELETE", "faults")
        await fast.ctl("POST", "faults", {"kind": "api_error", "rate": 0.5, "seed": 7})
        return ["error" in await fast.api("groups.getById") for _ in range(20)]

    first, second = await run(), await run()
    assert first == second and 0 < sum(first) < 20


async def test_fault_inside_execute_fails_only_that_item(fast: Harness) -> None:
    await fast.ctl("POST", "faults", {"kind": "api_error", "code": 10, "method": "users.get"})
    body = await fast.api("execute", code="return [API.groups.getById({}), API.users.get({})];")
    assert body["response"][1] is False
    assert body["execute_errors"][0]["error_code"] == 10


async def test_delete_clears_and_get_lists(fast: Harness) -> None:
    armed = await fast.ctl("POST", "faults", {"kind": "http_500", "rate": 1.0})
    assert armed["faults"][0]["count"] is None
    assert len((await fast.ctl("GET", "faults"))["faults"]) == 1
    await fast.ctl("DELETE", "faults")
    assert await fast.ok("groups.getById")


async def test_bad_fault_spec_is_400(fast: Harness) -> None:
    await fast.ctl("POST", "faults", {"kind": "meteor"}, status=400)
    await fast.ctl("POST", "faults", {"kind": "longpoll_failed", "failed": 4}, status=400)


async def test_long_poll_transport_faults(fast: Harness) -> None:
    server, key, ts = await fast.longpoll()
    await fast.ctl("POST", "faults", {"kind": "http_500", "method": "a_check"})
    path = "/" + server.split("://", 1)[1].split("/", 1)[1]
    query = {"act": "a_check", "key": key, "ts": ts, "wait": "0"}
    assert (await fast.client.get(path, params=query)).status == 500
    await fast.ctl("POST", "faults", {"kind": "drop", "method": "a_check"})
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await fast.client.get(path, params=query)
    assert (await fast.poll(server, key, ts))["updates"] == []
