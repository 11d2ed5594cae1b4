"""VK `messages.pin` on the emulator: by cmid or mailbox id, admins only, one pin a chat.

The pin is kept in the world, so the control API's chat view shows it.
"""

from __future__ import annotations

from pathlib import Path

from tests.emulator.conftest import AppFactory, Harness


async def test_pin_by_cmid_then_by_mailbox_id(fast: Harness) -> None:
    chat = await fast.chat([await fast.user()])
    [first] = await fast.ok("messages.send", peer_ids=chat, message="Собрание", random_id=1)
    pinned = await fast.ok("messages.pin", peer_id=chat, cmid=first["conversation_message_id"])
    assert (pinned["conversation_message_id"], pinned["text"]) == (1, "Собрание")
    assert pinned["from_id"] == -1 and pinned["peer_id"] == int(chat)
    assert (await fast.ctl("GET", f"chats/{chat}"))["pinned_message_id"] == "1"
    [second] = await fast.ok("messages.send", peer_ids=chat, message="Второе", random_id=2)
    await fast.ok("messages.pin", peer_id=chat, message_id=second["message_id"])
    assert (await fast.ctl("GET", f"chats/{chat}"))["pinned_message_id"] == "2"  # replaced


async def test_pin_needs_admin_rights_and_a_message(fast: Harness) -> None:
    anna = await fast.user()
    plain = await fast.chat([anna], bot_is_admin=False)
    await fast.ok("messages.send", peer_ids=plain, message="Собрание", random_id=1)
    refused = await fast.api("messages.pin", peer_id=plain, cmid=1)
    assert refused["error"]["error_code"] == 925  # "You are not admin of this chat"
    assert (await fast.ctl("GET", f"chats/{plain}"))["pinned_message_id"] is None
    chat = await fast.chat([anna])
    for params, code in [
        ({"peer_id": chat, "cmid": 7}, 100),  # no such message
        ({"peer_id": chat}, 100),  # neither cmid nor message_id
        ({"peer_id": 2_000_000_099, "cmid": 1}, 927),
        ({"cmid": 1}, 100),  # peer_id is required
    ]:
        assert (await fast.api("messages.pin", **params))["error"]["error_code"] == code, params


async def test_a_name_outside_the_schema_is_logged(fast: Harness) -> None:
    chat = await fast.chat([await fast.user()])
    await fast.ok("messages.send", peer_ids=chat, message="Собрание", random_id=1)
    await fast.api("messages.pin", peer_id=chat, conversation_message_id=1)
    [call] = [c for c in fast.hub.calls.since(0) if c["method"] == "messages.pin"]
    assert call["unknown_params"] == ["conversation_message_id"]


async def test_the_pin_survives_a_snapshot(make_emu: AppFactory, tmp_path: Path) -> None:
    path = tmp_path / "world.json"
    first = await make_emu(snapshot_path=path, rps_limit=None)
    chat = await first.chat([await first.user()])
    await first.ok("messages.send", peer_ids=chat, message="Собрание", random_id=1)
    await first.ok("messages.pin", peer_id=chat, cmid=1)
    await first.client.close()
    second = await make_emu(snapshot_path=path, rps_limit=None)
    assert (await second.ctl("GET", f"chats/{chat}"))["pinned_message_id"] == "1"
