"""MaxAdapter against the API double: request shapes, results and the error map."""

from __future__ import annotations

import json

import pytest

from adapters.base import Button, Keyboard, MessengerAdapter
from adapters.errors import InvalidRequest, NotAdmin, NotFound, NotSupported, PrivacyRefused
from adapters.max_messenger import MaxAdapter, parse_update
from tests.adapters.max import samples as s
from tests.adapters.max.fake_max import FakeMax, member

CHAT = str(s.CHAT)


def test_is_a_messenger_adapter(adapter: MaxAdapter) -> None:
    assert isinstance(adapter, MessengerAdapter)
    caps = adapter.capabilities
    assert adapter.platform == "max"
    assert (caps.can_readd_member, caps.can_delete_for_all, caps.native_mute) == (True, True, False)
    assert (caps.block_on_remove, caps.needs_admin_to_read) == (True, True)
    assert (caps.max_text_length, caps.batch_calls) == (4000, 1)


async def test_send_with_keyboard_and_reply(fake: FakeMax, adapter: MaxAdapter) -> None:
    kb = Keyboard.of(
        [Button("Подтвердить", {"a": "ok", "id": 7}, "positive"), Button("Отозвать", {"a": "no"})],
        [Button("Блок", {"a": "block"}, "negative")],
    )
    mid = await adapter.send_message(CHAT, "Предупреждение", keyboard=kb, reply_to="mid.0")
    assert mid == "mid.sent1"
    (seen,) = fake.calls("POST /messages")
    assert seen.query == {"chat_id": CHAT}
    body = seen.body
    assert body["text"] == "Предупреждение" and "format" not in body
    assert body["link"] == {"type": "reply", "mid": "mid.0"}
    rows = body["attachments"][0]["payload"]["buttons"]
    assert body["attachments"][0]["type"] == "inline_keyboard"
    assert [b["intent"] for b in rows[0]] == ["positive", "default"]
    assert rows[1][0]["intent"] == "negative"
    assert json.loads(rows[0][0]["payload"]) == {"a": "ok", "id": 7}
    # The payload comes back as the same dict in the press event.
    press = s.callback(rows[0][0]["payload"])
    assert parse_update(press).payload == {"a": "ok", "id": 7}  # type: ignore[union-attr]


async def test_long_text_is_split(fake: FakeMax, adapter: MaxAdapter) -> None:
    kb = Keyboard.of([Button("OK", {"a": 1})])
    text = "\n\n".join(["абзац " * 300] * 3)  # ~5400 characters
    mid = await adapter.send_message(CHAT, text, keyboard=kb, reply_to="mid.0")
    sent = [c.body for c in fake.calls("POST /messages")]
    assert len(sent) == 2 and mid == "mid.sent2"
    assert all(len(b["text"]) <= 4000 for b in sent)
    assert sent[0]["link"] is not None and sent[1]["link"] is None  # reply on the first
    assert sent[0]["attachments"] == [] and sent[1]["attachments"]  # keyboard on the last


async def test_text_format_is_configurable(fake: FakeMax, adapter: MaxAdapter) -> None:
    adapter.text_format = "markdown"
    await adapter.send_message(CHAT, "**важно**")
    assert fake.calls("POST /messages")[0].body["format"] == "markdown"


async def test_bad_input_is_refused_before_the_network(fake: FakeMax, adapter: MaxAdapter) -> None:
    with pytest.raises(InvalidRequest):
        await adapter.send_message("not-a-chat", "x")
    with pytest.raises(InvalidRequest):
        await adapter.send_message(CHAT, "")
    with pytest.raises(InvalidRequest):
        await adapter.send_message(CHAT, "x", keyboard=Keyboard.of([Button("a", {})] * 8))
    with pytest.raises(InvalidRequest):
        await adapter.send_message(
            CHAT, "x", keyboard=Keyboard.of([Button("a", {"p": "x" * 1100})])
        )
    assert fake.requests == []


async def test_private_message_refused_is_privacy(fake: FakeMax, adapter: MaxAdapter) -> None:
    assert await adapter.send_private("42", "Здравствуйте") == "mid.sent1"
    assert fake.calls("POST /messages")[0].query == {"user_id": "42"}
    fake.fail("POST /messages", 403, {"code": "access.denied", "message": "chat.denied"})
    with pytest.raises(PrivacyRefused):
        await adapter.send_private("42", "Здравствуйте")


async def test_delete_messages_ignores_already_gone(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.fail("DELETE /messages", 404, {"code": "message.not.found", "message": "gone"})
    await adapter.delete_messages(CHAT, ["mid.1", "mid.2"])
    assert sorted(c.query["message_id"] for c in fake.calls("DELETE /messages")) == [
        "mid.1",
        "mid.2",
    ]


async def test_delete_in_a_dm_is_not_admin(fake: FakeMax, adapter: MaxAdapter) -> None:
    body = {"code": "access.denied", "message": "Insufficient permissions to delete message"}
    fake.fail("DELETE /messages", 403, body)
    with pytest.raises(NotAdmin):
        await adapter.delete_messages("99", ["mid.1"])


async def test_pin_is_quiet_and_needs_the_right(fake: FakeMax, adapter: MaxAdapter) -> None:
    await adapter.pin_message(CHAT, "mid.sent1")
    (seen,) = fake.calls(f"PUT /chats/{CHAT}/pin")
    assert seen.body == {"message_id": "mid.sent1", "notify": False} and seen.query == {}
    denied = {"code": "access.denied", "message": "the bot lacks the pin_message right"}
    fake.fail(f"PUT /chats/{CHAT}/pin", 403, denied)
    with pytest.raises(NotAdmin):  # the same typed error as the other admin-only calls
        await adapter.pin_message(CHAT, "mid.sent1")
    with pytest.raises(InvalidRequest):
        await adapter.pin_message("chat-7", "mid.sent1")


async def test_answer_button(fake: FakeMax, adapter: MaxAdapter) -> None:
    event = parse_update(s.callback())
    assert event is not None
    await adapter.answer_button(event, "Готово")
    await adapter.answer_button(event)
    first, second = fake.calls("POST /answers")
    assert first.query == {"callback_id": "f9LHodD0cOJf4_Dk"}
    assert first.body == {"notification": "Готово"} and second.body == {}
    with pytest.raises(InvalidRequest):
        await adapter.answer_button(parse_update(s.created()))  # type: ignore[arg-type]


async def test_remove_reports_whether_block_applied(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.links[s.CHAT] = "https://max.ru/join/abc"
    assert await adapter.remove_member(CHAT, "5", block=True) is True
    fake.links[s.CHAT] = None  # NOTES §5: no link, `block` is ignored by MAX
    assert await adapter.remove_member(CHAT, "5", block=True) is False
    assert await adapter.remove_member(CHAT, "5") is False
    queries = [c.query for c in fake.calls(f"DELETE /chats/{CHAT}/members")]
    assert queries == [
        {"user_id": "5", "block": "true"},
        {"user_id": "5", "block": "true"},
        {"user_id": "5", "block": "false"},
    ]


async def test_remove_refusals(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.fail(f"DELETE /chats/{CHAT}/members", 200, {"success": False, "message": "Not admin"})
    with pytest.raises(NotAdmin):
        await adapter.remove_member(CHAT, "5")
    fake.fail(f"DELETE /chats/{CHAT}/members", 404, {"code": "user.not.found", "message": "x"})
    assert await adapter.remove_member(CHAT, "5", block=True) is False  # already gone


async def test_readd_and_privacy_refusal(fake: FakeMax, adapter: MaxAdapter) -> None:
    await adapter.add_member(CHAT, "5")
    assert fake.calls(f"POST /chats/{CHAT}/members")[0].body == {"user_ids": [5]}
    fake.add_answer = {
        "success": True,
        "failed_user_ids": [5],
        "failed_user_details": [{"error_code": "add.participant.privacy", "user_ids": [5]}],
    }
    with pytest.raises(PrivacyRefused):
        await adapter.add_member(CHAT, "5")
    fake.add_answer = {**fake.add_answer, "success": False, "message": "Failed to add"}
    with pytest.raises(PrivacyRefused):
        await adapter.add_member(CHAT, "5")
    fake.add_answer = {
        "success": True,
        "failed_user_details": [{"error_code": "add.participant.not.found", "user_ids": [5]}],
    }
    with pytest.raises(NotFound):
        await adapter.add_member(CHAT, "5")


async def test_invite_link(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.links[s.CHAT] = "https://max.ru/join/abc"
    assert await adapter.invite_link(CHAT) == "https://max.ru/join/abc"
    info = await adapter.chat_info(CHAT)
    assert (info.chat_id, info.title, info.link) == (CHAT, "7Б родители", "https://max.ru/join/abc")
    with pytest.raises(NotSupported):
        await adapter.invite_link(CHAT, reset=True)
    fake.links[s.CHAT] = None
    with pytest.raises(NotFound):
        await adapter.invite_link(CHAT)


async def test_members_are_paged_by_marker(fake: FakeMax, adapter: MaxAdapter) -> None:
    fake.members[s.CHAT] = [
        member(1, "Owner", admin=True, owner=True, permissions=["write"]),
        member(2, "Ann"),
        member(3, "Tod"),
        member(4, "Kim", admin=True, permissions=["write"]),
        member(5, "Lee"),
    ]
    people = await adapter.list_members(CHAT)
    assert [m.user_id for m in people] == ["1", "2", "3", "4", "5"]
    assert people[0].is_owner and people[0].is_admin and people[1].name == "Ann"
    pages = fake.calls(f"GET /chats/{CHAT}/members")
    assert [p.query.get("marker") for p in pages] == [None, "2", "4"]
    admins = await adapter.list_admins(CHAT)
    assert [m.user_id for m in admins] == ["1", "4"]


async def test_rights_check(fake: FakeMax, adapter: MaxAdapter) -> None:
    assert await adapter.check_rights(CHAT) == (
        False,
        ["read_all_messages", "write", "add_remove_members", "pin_message"],
    )
    fake.my_rights[s.CHAT] = (True, ["read_all_messages", "post_edit_delete_message"])
    assert await adapter.check_rights(CHAT) == (True, ["add_remove_members", "pin_message"])


async def test_subscribe(fake: FakeMax, adapter: MaxAdapter) -> None:
    await adapter.subscribe("https://bot.example.ru/max", "Abc-123_x", ["message_created"])
    (seen,) = fake.calls("POST /subscriptions")
    assert seen.body["secret"] == "Abc-123_x"
    with pytest.raises(InvalidRequest):
        await adapter.subscribe("https://bot.example.ru/max", "no!", ["message_created"])
