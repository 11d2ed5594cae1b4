"""`VkAdapter`: the moderation calls of `MessengerAdapter` on a VK community token.

Every call, including the long poll's server requests, goes through one
`OutboundQueue` per token: paced at `rate` (NOTES §7, 20/s for a community token),
retried on transient errors, and bursts of up to 25 sent as one `execute`. All ids
in chats are conversation message ids (NOTES §2: `id` is 0 there).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from adapters.base import Capabilities, Event, Keyboard, Member
from adapters.errors import InvalidRequest, MessengerError, NotFound, NotSupported
from adapters.outbound import ApiCall, OutboundQueue, RateLimiter, RetryPolicy
from adapters.recent import Recent
from adapters.vk_messenger.api import DEFAULT_API_URL, VkApi
from adapters.vk_messenger.errors import ALREADY_GONE, error_from
from adapters.vk_messenger.execute import check_result, execute_batch
from adapters.vk_messenger.keyboard import MAX_TEXT, keyboard_json, split_text
from adapters.vk_messenger.parse import CHAT_PEER_BASE
from adapters.vk_messenger.sending import random_id, sent_id

__all__ = ["CAPABILITIES", "VkAdapter", "VkMember"]

CAPABILITIES = Capabilities(
    can_readd_member=False,  # a community token cannot add people to a chat
    can_delete_for_all=True,
    native_mute=False,
    block_on_remove=False,
    needs_admin_to_read=False,
    max_text_length=MAX_TEXT,
    batch_calls=25,
    admins_in_members=True,  # list_admins filters getConversationMembers
)
_PAGE = 200  # members per getConversationMembers page (schema: 1..1000)
_SNACKBAR = 90  # characters a snackbar shows (docs; unverified)
_NAMES_KEPT = 10_000


@dataclass(frozen=True, slots=True)
class VkMember(Member):
    """A member with VK's extra flags; `can_kick` is whether the bot may remove them."""

    can_kick: bool = False
    invited_by: str = ""


def _int_id(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidRequest(f"not a VK {what}: {value!r}") from None


class VkAdapter:
    """VK Messenger through a community token; see the module docstring."""

    platform = "vk"
    capabilities = CAPABILITIES

    def __init__(
        self,
        token: str,
        *,
        limiter: RateLimiter,
        api_url: str = DEFAULT_API_URL,
        rate: float = 20.0,
        group_id: int | None = None,
        v: str = "5.199",
        session: aiohttp.ClientSession | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.api = VkApi(token, api_url=api_url, v=v, session=session, timeout=timeout)
        self.group_id = group_id
        # The bucket is shared by every process using this token, so it is named by a
        # hash of the token: the same for all of them, and useless to anyone reading it.
        bucket = "vk:" + hashlib.sha256(token.encode()).hexdigest()[:16]
        self.queue = OutboundQueue(
            bucket=bucket,
            rate=rate,
            send=self._send_one,
            limiter=limiter,
            send_batch=self._send_batch,
            batch_size=CAPABILITIES.batch_calls,
            retry=retry or RetryPolicy(),
        )
        self._names: Recent[str, str] = Recent(_NAMES_KEPT)

    def __repr__(self) -> str:
        return f"VkAdapter(api_url={self.api.api_url!r}, group_id={self.group_id!r})"

    async def call(
        self, method: str, params: Mapping[str, Any] | None = None, *, batchable: bool = True
    ) -> Any:
        """Any VK method through the queue; the escape hatch for what is not wrapped here."""
        return await self.queue.call(method, params or {}, batchable=batchable)

    async def _send_one(self, call: ApiCall) -> Any:
        result = check_result(call.method, await self.api.request(call.method, call.params))
        if isinstance(result, MessengerError):
            raise result
        return result

    async def _send_batch(self, calls: Sequence[ApiCall]) -> list[Any]:
        return await execute_batch(self.api, calls)

    async def resolve_group_id(self) -> int:
        """The community's id, asked once (`groups.getById` needs no params, NOTES §2)."""
        if self.group_id is None:
            response = await self.call("groups.getById")
            groups = response["groups"] if isinstance(response, dict) else response
            self.group_id = int(groups[0]["id"])
        return self.group_id

    # -- messages -----------------------------------------------------------------

    async def send_message(
        self,
        chat_id: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        reply_to: str | None = None,
        dedup_key: str | None = None,
    ) -> str:
        return await self._send(_int_id(chat_id, "peer id"), text, keyboard, reply_to, dedup_key)

    async def send_private(
        self,
        user_id: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        dedup_key: str | None = None,
    ) -> str:
        return await self._send(_int_id(user_id, "user id"), text, keyboard, None, dedup_key)

    async def _send(
        self,
        peer: int,
        text: str,
        keyboard: Keyboard | None,
        reply_to: str | None,
        dedup_key: str | None = None,
    ) -> str:
        chunks = split_text(text)
        markup = keyboard_json(keyboard) if keyboard is not None else None
        message_id = ""
        for i, chunk in enumerate(chunks):
            params: dict[str, Any] = {
                "peer_ids": peer,  # NOTES §4: the plural form answers with the cmid
                # Fixed before queueing, so a retry of this chunk is deduplicated by VK
                # and each chunk has its own (NOTES §7); derived from `dedup_key`, a
                # send repeated after a crash is deduplicated too.
                "random_id": random_id(dedup_key, i),
                "message": chunk,
                "disable_mentions": 1,
            }
            if reply_to and i == 0:  # NOTES §4: reply_to needs a mailbox id; use forward
                cmid = _int_id(reply_to, "message id")
                params["forward"] = {
                    "peer_id": peer,
                    "conversation_message_ids": [cmid],
                    "is_reply": 1,
                }
            if markup is not None and i == len(chunks) - 1:
                params["keyboard"] = markup
            items = await self.call("messages.send", params)
            message_id = sent_id(items)
        return message_id

    async def delete_messages(self, chat_id: str, message_ids: Sequence[str]) -> None:
        peer = _int_id(chat_id, "peer id")
        cmids = [_int_id(m, "message id") for m in message_ids]
        failure: MessengerError | None = None
        for start in range(0, len(cmids), 100):  # NOTES §7: cmids ≤ 100 per call
            params = {"peer_id": peer, "cmids": cmids[start : start + 100], "delete_for_all": 1}
            items = await self.call("messages.delete", params)
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and item.get("error") and failure is None:
                    failure = error_from(item["error"], "messages.delete")
        if failure is not None:
            raise failure

    async def pin_message(self, chat_id: str, message_id: str) -> None:
        # NOTES §8: in chats pinning goes by cmid (the mailbox id is 0 there); 925 when
        # the bot is not a chat admin maps to `NotAdmin`.
        params = {"peer_id": _int_id(chat_id, "peer id"), "cmid": _int_id(message_id, "message id")}
        await self.call("messages.pin", params)

    async def answer_button(self, event: Event, text: str | None = None) -> None:
        obj = event.raw.get("object")
        press_id = obj.get("event_id") if isinstance(obj, Mapping) else None
        if not isinstance(press_id, str):
            raise InvalidRequest("not a VK message_event: no object.event_id to answer")
        params: dict[str, Any] = {
            "event_id": press_id,
            "user_id": _int_id(event.user_id, "user id"),
            "peer_id": _int_id(event.chat_id, "peer id"),
        }
        if text:
            params["event_data"] = {"type": "show_snackbar", "text": text[:_SNACKBAR]}
        await self.call("messages.sendMessageEventAnswer", params)

    # -- members ------------------------------------------------------------------

    async def remove_member(self, chat_id: str, user_id: str, *, block: bool = False) -> bool:
        peer = _int_id(chat_id, "peer id")
        if peer <= CHAT_PEER_BASE:
            raise InvalidRequest(f"{chat_id} is not a chat")
        params = {"chat_id": peer - CHAT_PEER_BASE, "member_id": _int_id(user_id, "user id")}
        try:
            await self.call("messages.removeChatUser", params)
        except NotFound as exc:
            if exc.code != ALREADY_GONE:  # NOTES §8: 935 = already left, so done
                raise
        return False  # VK has no block on removal (block_on_remove=False)

    async def add_member(self, chat_id: str, user_id: str) -> None:
        raise NotSupported("a VK community token cannot add people to a chat", method="add_member")

    async def invite_link(self, chat_id: str, *, reset: bool = False) -> str:
        params = {"peer_id": _int_id(chat_id, "peer id"), "reset": int(reset)}
        response = await self.call("messages.getInviteLink", params)
        return str(response["link"])

    async def list_members(self, chat_id: str) -> list[Member]:
        peer = _int_id(chat_id, "peer id")
        members: list[Member] = []
        offset = 0
        while True:
            params = {"peer_id": peer, "offset": offset, "count": _PAGE, "extended": 1}
            page = await self.call("messages.getConversationMembers", params)
            names = self._remember_names(page)
            items = page.get("items") or []
            for item in items:
                uid = str(item["member_id"])
                members.append(
                    VkMember(
                        user_id=uid,
                        is_admin=bool(item.get("is_admin")) or bool(item.get("is_owner")),
                        is_owner=bool(item.get("is_owner")),
                        name=names.get(uid, ""),
                        is_bot=uid.startswith("-"),  # communities, this bot among them
                        can_kick=bool(item.get("can_kick")),
                        invited_by=str(item.get("invited_by", "")),
                    )
                )
            offset += len(items)
            if not items or offset >= int(page.get("count", 0)):
                return members

    async def list_admins(self, chat_id: str) -> list[Member]:
        return [m for m in await self.list_members(chat_id) if m.is_admin or m.is_owner]

    async def user_names(self, user_ids: Sequence[str]) -> dict[str, str]:
        """'First Last' per person id, from a bounded cache or one `users.get`."""
        missing = [u for u in dict.fromkeys(user_ids) if u not in self._names and u.isdigit()]
        for start in range(0, len(missing), 1000):  # NOTES §7: user_ids ≤ 1000
            found = await self.call("users.get", {"user_ids": missing[start : start + 1000]})
            self._remember_names({"profiles": found})
        return {u: self._names[u] for u in user_ids if u in self._names}

    def _remember_names(self, page: Mapping[str, Any]) -> dict[str, str]:
        names: dict[str, str] = {}
        for p in page.get("profiles") or ():
            names[str(p["id"])] = f"{p.get('first_name', '')} {p.get('last_name', '')}".strip()
        for g in page.get("groups") or ():
            names[str(-int(g["id"]))] = str(g.get("name", ""))
        self._names.update(names)
        return names

    async def close(self) -> None:
        await self.queue.close()
        await self.api.close()
