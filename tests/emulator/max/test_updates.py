"""`GET /updates`: markers, types, limits, the long hold, who hears what, and faults."""

from __future__ import annotations

import asyncio
import time

from tests.emulator.max.conftest import Harness


async def test_marker_commits_and_replays(fast: Harness) -> None:
    anna = await fast.user()
    chat = await fast.chat([anna])
    for text in ("a", "b", "c"):
        await fast.say(chat, anna, text)
    first = await fast.updates(limit=2)
    assert [u["message"]["body"]["text"] for u in first["updates"]] == ["a", "b"]
    again = await fast.updates(limit=2)  # nothing committed yet: the same page
    assert again == first
    rest = await fast.updates(marker=first["marker"])
    assert [u["message"]["body"]["text"] for u in rest["updates"]] == ["c"]
    empty = await fast.updates(marker=rest["marker"])
    assert empty == {"updates": [], "marker": rest["marker"]}  # never reset (Go #159)
    assert (await fast.updates())["updates"] == []  # no marker: from the last commitment


async def test_types_filter_and_advance(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    chat = await fast.chat([anna])
    await fast.say(chat, anna, "a")
    await fast.ctl("POST", f"chats/{chat}/members", {"user_id": boris, "by": anna})
    page = await fast.updates(types="user_added")
    assert [u["update_type"] for u in page["updates"]] == ["user_added"]
    assert (await fast.updates(marker=page["marker"]))["updates"] == []


async def test_poll_is_held_until_an_update(fast: Harness) -> None:
    anna = await fast.user()
    chat = await fast.chat([anna])
    marker = (await fast.updates())["marker"]
    poll = asyncio.create_task(fast.updates(marker=marker, timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    start = time.monotonic()
    await fast.say(chat, anna, "now")
    page = await poll
    assert time.monotonic() - start < 1 and page["updates"][0]["message"]["body"]["text"] == "now"
    start = time.monotonic()
    assert (await fast.updates(marker=page["marker"], timeout=1))["updates"] == []
    assert time.monotonic() - start >= 0.9


async def test_a_bot_without_read_rights_hears_only_its_own_membership(fast: Harness) -> None:
    anna, boris = await fast.user(), await fast.user("Борис")
    deaf = await fast.chat([anna, boris], admins=[anna], bot_is_admin=False)
    narrow = await fast.chat([anna, boris], admins=[anna])
    await fast.ctl("PUT", f"max/chats/{narrow}/rights", {"permissions": ["write"]})
    marker = (await fast.updates())["marker"]
    for chat in (deaf, narrow):
        await fast.say(chat, boris, "@Школьный бот привет")
        await fast.ctl("DELETE", f"chats/{chat}/members/{boris}?by={anna}")
    await fast.ctl("DELETE", f"chats/{deaf}/members/229229229?by={anna}")
    page = await fast.updates(marker=marker)
    assert [u["update_type"] for u in page["updates"]] == ["bot_removed"]
    await fast.ctl("PATCH", f"chats/{narrow}", {"bot_is_admin": False})
    await fast.ctl("PUT", f"max/chats/{narrow}/rights", {"permissions": ["read_all_messages"]})
    await fast.ctl("PATCH", f"chats/{narrow}", {"bot_is_admin": True})
    await fast.say(narrow, anna, "слышно")
    page = await fast.updates(marker=page["marker"])
    assert [u["update_type"] for u in page["updates"]] == ["message_created"]


async def test_updates_faults(fast: Harness) -> None:
    anna = await fast.user()
    chat = await fast.chat([anna])
    await fast.say(chat, anna, "a")
    await fast.ctl("POST", "faults", {"kind": "longpoll_failed", "method": "GET /updates"})
    status, body = await fast.api("GET", "/updates", timeout=0)
    assert (status, body["code"]) == (503, "service.unavailable")
    await fast.ctl("POST", "faults", {"kind": "duplicate", "method": "GET /updates"})
    page = await fast.updates(marker=0)
    again = await fast.updates(marker=page["marker"])
    assert again["updates"] == page["updates"] and again["marker"] > page["marker"]
    await fast.ctl("POST", "faults", {"kind": "api_error", "code": 429, "method": "GET /updates"})
    status, body = await fast.api("GET", "/updates", timeout=0)
    assert (status, body["code"]) == (429, "too.many.requests")
    await fast.ctl("POST", "faults", {"kind": "http_500", "method": "GET /me"})
    response = await fast.client.get("/me", headers={"Authorization": "max-test-token"})
    assert response.status == 500
    await fast.ctl("POST", "faults", {"kind": "api_error", "code": 200, "method": "POST /answers"})
    status, body = await fast.api("POST", "/answers", {}, callback_id="x")
    assert (status, body) == (200, {"success": False, "message": "injected failure"})


async def test_calls_are_logged(fast: Harness) -> None:
    anna = await fast.user()
    await fast.ok("POST", "/messages", {"text": "hi"}, user_id=anna, bogus=1)
    calls = (await fast.ctl("GET", "calls"))["calls"]
    [call] = [c for c in calls if c["method"] == "POST /messages"]
    assert call["params"] == {"user_id": anna, "bogus": "1", "body": {"text": "hi"}}
    assert call["unknown_params"] == ["bogus"] and call["result"]["message"]["body"]["text"] == "hi"
