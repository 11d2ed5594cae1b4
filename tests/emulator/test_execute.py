"""The restricted VKScript form `execute` accepts, and its partial failures."""

from __future__ import annotations

import pytest

from adapters.emulator.vk.errors import VkApiError
from adapters.emulator.vk.execute import parse_code, wire_params
from tests.emulator.conftest import Harness


def test_parse_list_and_single() -> None:
    calls, listed = parse_code(
        'return [API.messages.send({"peer_id": 1, "message": "a, b)"}), API.users.get()];'
    )
    assert listed and calls == [
        ("messages.send", {"peer_id": 1, "message": "a, b)"}),
        ("users.get", {}),
    ]
    assert parse_code("return API.groups.getById({});") == ([("groups.getById", {})], False)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("var a = 1; return a;", 12),
        ("return [API.users.get({)];", 12),
        ("return API.users.get([1]);", 12),
        ("return [API.users.get({}) API.users.get({})];", 12),
        ("return [" + ",".join(["API.users.get({})"] * 26) + "];", 13),
    ],
)
def test_refused_forms(code: str, error: int) -> None:
    with pytest.raises(VkApiError) as caught:
        parse_code(code)
    assert caught.value.code == error


def test_wire_params_match_direct_calls() -> None:
    assert wire_params({"peer_ids": [1, 2], "reset": True, "forward": {"is_reply": True}}) == {
        "peer_ids": "1,2",
        "reset": "1",
        "forward": '{"is_reply": true}',
    }


async def test_execute_returns_false_and_execute_errors(fast: Harness) -> None:
    anna = await fast.user()
    chat = await fast.chat([anna], admins=[anna])
    code = (
        f'return [API.messages.send({{"peer_id": {chat}, "message": "x", "random_id": 0}}),'
        f' API.messages.removeChatUser({{"chat_id": {chat[-1]}, "member_id": {anna}}}),'
        f' API.messages.getConversationMembers({{"peer_id": {chat}, "colour": 1}})];'
    )
    body = await fast.api("execute", code=code)
    assert body["response"][0] > 0 and body["response"][1] is False
    assert body["execute_errors"] == [
        {
            "method": "messages.removeChatUser",
            "error_code": 15,
            "error_msg": body["execute_errors"][0]["error_msg"],
        }
    ]
    calls = (await fast.ctl("GET", "calls"))["calls"]
    parent = next(c for c in calls if c["method"] == "execute")
    children = [c for c in calls if c.get("parent") == parent["seq"]]
    assert [c["method"] for c in children][-1] == "messages.getConversationMembers"
    assert children[-1]["unknown_params"] == ["colour"]


async def test_compile_error_is_12(fast: Harness) -> None:
    body = await fast.api("execute", code="while(true) {}")
    assert body["error"]["error_code"] == 12
