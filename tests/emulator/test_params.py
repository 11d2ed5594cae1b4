"""Parameter validation against methods.json, auth and the call log."""

from __future__ import annotations

from tests.emulator.conftest import Harness


async def test_missing_required_param_is_100(fast: Harness) -> None:
    body = await fast.api("messages.getConversationMembers")
    assert body["error"]["error_code"] == 100
    assert body["error"]["error_msg"].endswith(": peer_id is undefined")


async def test_random_id_is_required_as_the_docs_say(fast: Harness) -> None:
    body = await fast.api("messages.send", peer_id=101, message="x")
    assert body["error"]["error_code"] == 100
    assert "random_id is undefined" in body["error"]["error_msg"]


async def test_wrong_type_is_100(fast: Harness) -> None:
    for params in ({"peer_id": "abc"}, {"peer_id": "2000000001", "count": "много"}):
        body = await fast.api("messages.getConversationMembers", **params)
        assert body["error"]["error_code"] == 100
        assert "not integer" in body["error"]["error_msg"]
    body = await fast.api("messages.getInviteLink", peer_id=2000000001, reset="maybe")
    assert "reset not boolean" in body["error"]["error_msg"]


async def test_range_and_array_limits_are_100(fast: Harness) -> None:
    body = await fast.api("messages.getConversationMembers", peer_id=2000000001, count=5000)
    assert body["error"]["error_code"] == 100
    peers = ",".join(str(2000000001 + i) for i in range(101))
    body = await fast.api("messages.send", peer_ids=peers, message="x", random_id=0)
    assert "too many items" in body["error"]["error_msg"]


async def test_unknown_params_are_accepted_and_recorded(fast: Harness) -> None:
    await fast.ok("groups.getById", fields="description", colour="blue", lang="ru")
    call = (await fast.ctl("GET", "calls"))["calls"][-1]
    assert call["method"] == "groups.getById"
    assert call["unknown_params"] == ["colour"]
    assert "access_token" not in call["params"]


async def test_unknown_method_is_3(fast: Harness) -> None:
    body = await fast.api("messages.fly")
    assert body["error"]["error_code"] == 3


async def test_wrong_or_missing_token_is_5(fast: Harness) -> None:
    for token in ("wrong", None):
        body = await fast.api("groups.getById", token=token)
        assert body["error"]["error_code"] == 5


async def test_bearer_header_and_get_are_accepted(fast: Harness) -> None:
    response = await fast.client.get(
        "/method/groups.getById",
        params={"v": "5.199"},
        headers={"Authorization": "Bearer test-token"},
    )
    body = await response.json()
    assert body["response"]["groups"][0]["id"] == 1


async def test_missing_version_is_8(fast: Harness) -> None:
    response = await fast.client.post("/method/groups.getById", data={"access_token": "test-token"})
    assert (await response.json())["error"]["error_code"] == 8


async def test_calls_since_pages(fast: Harness) -> None:
    await fast.ok("groups.getById")
    first = await fast.ctl("GET", "calls")
    await fast.ok("users.get", user_ids="1")
    later = await fast.ctl("GET", f"calls?since={first['next']}")
    assert [c["method"] for c in later["calls"]] == ["users.get"]
    assert "error" not in later["calls"][0] and later["calls"][0]["time"] > 0
