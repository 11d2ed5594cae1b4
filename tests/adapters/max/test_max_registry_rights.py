"""The chat registry and the rights check: pure logic."""

from __future__ import annotations

from adapters.max_messenger import (
    ChatRegistry,
    KnownChat,
    missing_rights,
    parse_update,
    rights_request_text,
)
from tests.adapters.max import samples as s

CHAT = str(s.CHAT)


def ev(update: dict[str, object]):  # type: ignore[no-untyped-def]
    event = parse_update(update)
    assert event is not None
    return event


def test_registry_follows_bot_added_removed_and_messages() -> None:
    changes: list[KnownChat] = []
    reg = ChatRegistry(on_change=changes.append)
    assert reg.observe(ev(s.membership("bot_added", who=s.JOHN))) is not None
    assert reg.active_chats() == [CHAT]
    assert reg.observe(ev(s.created())) is None  # already known: no write
    reg.observe(ev(s.membership("bot_removed", who=s.JOHN)))
    assert reg.active_chats() == [] and CHAT in reg
    reg.observe(ev(s.created(chat_id=-5)))  # a chat we missed bot_added for
    reg.observe(ev(s.created(chat_id=77, chat_type="dialog")))
    assert reg.active_chats() == ["-5"]
    assert [c.active for c in changes] == [True, False, True, True]
    assert reg.forget("-5") is not None and reg.active_chats() == []


def test_registry_restores_from_storage() -> None:
    reg = ChatRegistry([KnownChat("-1"), KnownChat("-2", active=False)])
    assert reg.active_chats() == ["-1"] and len(reg) == 2


def test_rights_request_is_sent_once_per_shortfall() -> None:
    reg = ChatRegistry()
    assert reg.should_request_rights(CHAT, ["write", "read_all_messages"]) is True
    assert reg.should_request_rights(CHAT, ["read_all_messages", "write"]) is False
    assert reg.should_request_rights(CHAT, ["write"]) is True
    assert reg.should_request_rights(CHAT, []) is False
    reg.observe(ev(s.membership("bot_added", who=s.JOHN)))  # re-added: ask again
    assert reg.should_request_rights(CHAT, ["write"]) is True


def test_missing_rights() -> None:
    everything = ["read_all_messages", "write", "add_remove_members", "pin_message"]
    assert missing_rights(False, everything) == everything  # not an admin: nothing counts
    assert missing_rights(True, [*everything, "can_call"]) == []
    assert missing_rights(True, ["read_all_messages", "post_edit_delete_message"]) == [
        "add_remove_members",
        "pin_message",
    ]
    assert missing_rights(True, None, ["read_all_messages"]) == ["read_all_messages"]
    assert missing_rights(True, ["delete"], ["delete"]) == []  # unknown names match as is


def test_rights_request_text() -> None:
    text = rights_request_text(["read_all_messages", "write"], is_admin=False)
    assert "назначьте меня администратором" in text
    assert "читать все сообщения" in text and "удалять сообщения" in text
    assert "не вижу сообщений" in text
    admin = rights_request_text(["pin_message"], is_admin=True)
    assert "закреплять сообщения" in admin and "не вижу" not in admin
    assert "pin messages" in rights_request_text(["pin_message"], is_admin=True, language="en")
