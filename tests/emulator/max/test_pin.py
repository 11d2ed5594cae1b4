"""MAX `PUT/GET /chats/{id}/pin` on the emulator, directly and through the adapter.

Pinning needs the `pin_message` admin right; a bot without it gets 403, which the
adapter reports as `NotAdmin`, like every other call that needs admin rights.
"""

from __future__ import annotations

import pytest

from adapters.errors import NotAdmin
from adapters.max_messenger import MaxAdapter
from tests.emulator.max.conftest import Harness


async def test_the_adapter_pins_what_it_sent(fast: Harness, adapter: MaxAdapter) -> None:
    chat = await fast.chat([await fast.user()])
    mid = await adapter.send_message(chat, "Собрание")
    await adapter.pin_message(chat, mid)
    assert (await fast.ctl("GET", f"chats/{chat}"))["pinned_message_id"] == mid
    pinned = await fast.ok("GET", f"/chats/{chat}/pin")
    assert pinned["message"]["body"]["mid"] == mid


async def test_pinning_needs_the_right(fast: Harness, adapter: MaxAdapter) -> None:
    anna = await fast.user()
    plain = await fast.chat([anna], bot_is_admin=False)
    narrowed = await fast.chat([anna])
    await fast.ctl("PUT", f"max/chats/{narrowed}/rights", {"permissions": ["write"]})
    for chat in (plain, narrowed):
        mid = await adapter.send_message(chat, "Собрание")
        with pytest.raises(NotAdmin):
            await adapter.pin_message(chat, mid)
        assert (await fast.ctl("GET", f"chats/{chat}"))["pinned_message_id"] is None
    assert (await fast.ok("GET", f"/chats/{plain}/pin")) == {"message": None}


async def test_bad_pins_are_refused(fast: Harness, adapter: MaxAdapter) -> None:
    anna = await fast.user()
    chat, other = await fast.chat([anna]), await fast.chat([anna])
    mid = await adapter.send_message(other, "в другом чате")
    status, answer = await fast.api("PUT", f"/chats/{chat}/pin", {"message_id": mid})
    assert status == 200 and answer["success"] is False
    for body in ({}, {"message_id": 5}, {"message_id": mid, "notify": "yes"}):
        status, answer = await fast.api("PUT", f"/chats/{chat}/pin", body)
        assert status == 400, (body, answer)
