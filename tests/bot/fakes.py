"""A messenger adapter that records calls and fails on demand, for service tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.base import Capabilities, Event, Keyboard, Member
from adapters.errors import MessengerError, NotSupported

__all__ = ["FakeAdapter"]


class FakeAdapter:
    platform = "vk"

    def __init__(self, *, admins: Sequence[str] = (), owner: str | None = None) -> None:
        self.capabilities = Capabilities(
            can_readd_member=False,
            can_delete_for_all=True,
            native_mute=False,
            block_on_remove=False,
            needs_admin_to_read=False,
            max_text_length=4096,
        )
        self.admins = list(admins)
        self.owner = owner
        self.calls: list[tuple[str, Any]] = []
        self.fail: dict[str, list[MessengerError]] = {}
        self._next = 100

    def _maybe_fail(self, name: str) -> None:
        errors = self.fail.get(name)
        if errors:
            raise errors.pop(0)

    def _mid(self) -> str:
        self._next += 1
        return str(self._next)

    async def send_message(
        self,
        chat_id: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        reply_to: str | None = None,
        dedup_key: str | None = None,
    ) -> str:
        self._maybe_fail("send")
        self.calls.append(("send", (chat_id, text, keyboard)))
        return self._mid()

    async def send_private(
        self,
        user_id: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        dedup_key: str | None = None,
    ) -> str:
        self._maybe_fail("private")
        self.calls.append(("private", (user_id, text, keyboard)))
        return self._mid()

    async def delete_messages(self, chat_id: str, message_ids: Sequence[str]) -> None:
        self._maybe_fail("delete")
        self.calls.append(("delete", (chat_id, list(message_ids))))

    async def pin_message(self, chat_id: str, message_id: str) -> None:
        self._maybe_fail("pin")
        self.calls.append(("pin", (chat_id, message_id)))

    async def remove_member(self, chat_id: str, user_id: str, *, block: bool = False) -> bool:
        self._maybe_fail("remove")
        self.calls.append(("remove", (chat_id, user_id)))
        return False

    async def add_member(self, chat_id: str, user_id: str) -> None:
        raise NotSupported("VK cannot")

    async def invite_link(self, chat_id: str, *, reset: bool = False) -> str:
        return "https://vk.me/join/abc"

    async def list_members(self, chat_id: str) -> list[Member]:
        return await self.list_admins(chat_id)

    async def list_admins(self, chat_id: str) -> list[Member]:
        return [
            Member(a, is_admin=True, is_owner=a == self.owner, name=f"Админ {a}")
            for a in self.admins
        ]

    async def answer_button(self, event: Event, text: str | None = None) -> None:
        self.calls.append(("answer", text))

    async def close(self) -> None:
        pass

    def sent(self, kind: str) -> list[Any]:
        return [args for name, args in self.calls if name == kind]
