"""`MaxAdapter`: the moderation calls of `MessengerAdapter` on the MAX Bot API.

Every call goes through one `OutboundQueue` per token (NOTES §6: stay under 30 rps
per bot), so handlers, the scheduler and other workers sharing the limiter never
exceed the bucket together.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import aiohttp

from adapters.base import Capabilities, CursorStore, Event, Keyboard, Member
from adapters.errors import (
    InvalidRequest,
    MessengerError,
    NotAdmin,
    NotFound,
    NotSupported,
    PrivacyRefused,
)
from adapters.max_messenger.api import DEFAULT_API_URL, MaxApi, Query, as_id
from adapters.max_messenger.errors import error_for_code
from adapters.max_messenger.keyboard import MAX_TEXT, message_bodies
from adapters.max_messenger.lookup import MaxLookup
from adapters.max_messenger.models import ChatInfo, member_from
from adapters.max_messenger.parse import callback_id_of
from adapters.max_messenger.polling import MaxPolling
from adapters.max_messenger.rights import REQUIRED_RIGHTS, missing_rights
from adapters.outbound import ApiCall, OutboundQueue, RateLimiter, RetryPolicy

__all__ = ["CAPABILITIES", "MaxAdapter"]

log = logging.getLogger("etiket.max")

CAPABILITIES = Capabilities(
    can_readd_member=True,  # POST /chats/{id}/members, unless privacy refuses (NOTES §5)
    can_delete_for_all=True,
    native_mute=False,  # NOTES §0: no mute API; a mute deletes new messages
    block_on_remove=True,
    needs_admin_to_read=True,
    max_text_length=MAX_TEXT,
    batch_calls=1,
)

_SECRET = re.compile(r"[A-Za-z0-9_-]{5,256}")  # NOTES §3.2
PAGE = 100  # NOTES §6: a members page holds at most 100


class MaxAdapter:
    """The MAX side of etiket. `limiter` is the shared rate state (`EphemeralState`)."""

    platform = "max"
    capabilities = CAPABILITIES

    def __init__(
        self,
        token: str,
        *,
        limiter: RateLimiter,
        api_url: str = DEFAULT_API_URL,
        rate: float = 30.0,
        ca_file: str | None = None,
        session: aiohttp.ClientSession | None = None,
        text_format: str | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.api = MaxApi(token, api_url=api_url, ca_file=ca_file, session=session)
        self.bucket = f"max:{self.api.fingerprint}"
        self.rate = rate
        self.limiter = limiter
        self.text_format = text_format  # None = plain text; "markdown" | "html" (NOTES §4)
        self.lookup = MaxLookup(self.call, text_format)
        """Where a send cut off by a crash is looked for (MAX has no idempotency key)."""
        self.queue = OutboundQueue(
            bucket=self.bucket,
            rate=rate,
            send=self._send,
            limiter=limiter,
            retry=retry or RetryPolicy(),
        )

    def __repr__(self) -> str:
        return f"MaxAdapter({self.api.api_url!r}, bucket={self.bucket!r})"

    async def _send(self, call: ApiCall) -> Any:
        verb, path = call.method.split(" ", 1)
        return await self.api.request(
            verb, path, query=call.params.get("query"), body=call.params.get("body")
        )

    async def call(
        self, verb: str, path: str, *, query: Query | None = None, body: Any = None
    ) -> dict[str, Any]:
        """Any API call through the queue; for the few methods without a helper here."""
        result: dict[str, Any] = await self.queue.call(
            f"{verb} {path}", {"query": query, "body": body}, batchable=False
        )
        return result

    # messages

    async def send_message(
        self,
        chat_id: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        reply_to: str | None = None,
        dedup_key: str | None = None,
    ) -> str:
        # MAX has no idempotency key: a send cut off by a crash is looked up instead
        # (`lookup`) before it is repeated.
        return await self._post({"chat_id": as_id(chat_id, "chat id")}, text, keyboard, reply_to)

    async def send_private(
        self,
        user_id: str,
        text: str,
        *,
        keyboard: Keyboard | None = None,
        dedup_key: str | None = None,
    ) -> str:
        try:
            query = {"user_id": as_id(user_id, "user id")}
            return await self._post(query, text, keyboard, None, dialog_with=user_id)
        except NotAdmin as exc:
            # A dialog needs no admin rights: a 403 there is the person's refusal.
            raise PrivacyRefused(str(exc), code=exc.code, method=exc.method) from exc

    async def _post(
        self,
        query: Query,
        text: str,
        keyboard: Keyboard | None,
        reply_to: str | None,
        *,
        dialog_with: str | None = None,
    ) -> str:
        mid = ""
        for body in message_bodies(text, keyboard, reply_to, self.text_format):
            result = await self.call("POST", "/messages", query=query, body=body)
            message = result.get("message") or {}
            mid = str((message.get("body") or {}).get("mid") or "")
            if not mid:
                log.warning("MAX accepted a message but returned no mid")
            if dialog_with is not None:
                self.lookup.learn(dialog_with, message)
        return mid

    async def delete_messages(self, chat_id: str, message_ids: Sequence[str]) -> None:
        """Delete each message; one already gone counts as deleted (a replay is harmless)."""
        results = await asyncio.gather(
            *(self.call("DELETE", "/messages", query={"message_id": m}) for m in message_ids),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, NotFound):
                raise result

    async def pin_message(self, chat_id: str, message_id: str) -> None:
        """Pin quietly: the message itself already notified everyone (`notify` would
        post a second, system message). A 403 without `pin_message` is `NotAdmin`."""
        body = {"message_id": message_id, "notify": False}
        await self.call("PUT", f"/chats/{as_id(chat_id, 'chat id')}/pin", body=body)

    async def answer_button(self, event: Event, text: str | None = None) -> None:
        callback_id = callback_id_of(event)
        if not callback_id:
            raise InvalidRequest("this event is not a MAX button press")
        body = {"notification": text} if text else {}
        await self.call("POST", "/answers", query={"callback_id": callback_id}, body=body)

    # members

    async def remove_member(self, chat_id: str, user_id: str, *, block: bool = False) -> bool:
        """Remove; the result says whether `block` took effect.

        NOTES §5: `block=true` works only in chats with a join link and is silently
        ignored otherwise, so we read the chat's link to tell the caller the truth.
        """
        cid = as_id(chat_id, "chat id")
        query: Query = {"user_id": as_id(user_id, "user id"), "block": block}
        try:
            await self.call("DELETE", f"/chats/{cid}/members", query=query)
        except NotFound:
            log.info("user %s was already gone from MAX chat %s", user_id, chat_id)
            return False
        if not block:
            return False
        try:
            info = await self.chat_info(chat_id)
        except MessengerError as exc:
            log.warning("could not tell whether the block applied in %s: %s", chat_id, exc)
            return False
        if not info.link:
            log.info("MAX chat %s has no join link; the block was not applied", chat_id)
        return bool(info.link)

    async def add_member(self, chat_id: str, user_id: str) -> None:
        """Re-add; `PrivacyRefused` tells the caller to send an invite link instead."""
        uid = as_id(user_id, "user id")
        path = f"/chats/{as_id(chat_id, 'chat id')}/members"
        result = await self.call("POST", path, body={"user_ids": [uid]})
        for detail in result.get("failed_user_details") or ():
            # NOTES §5: `add.participant.privacy` | `add.participant.not.found`
            if uid in (detail.get("user_ids") or [uid]):
                raise error_for_code(str(detail.get("error_code") or ""), f"POST {path}")
        if uid in (result.get("failed_user_ids") or ()):
            raise MessengerError(f"POST {path}: user {uid} was not added", method=f"POST {path}")

    async def invite_link(self, chat_id: str, *, reset: bool = False) -> str:
        if reset:
            raise NotSupported("MAX has no API to reset a chat's link")
        info = await self.chat_info(chat_id)
        if not info.link:
            raise NotFound(f"MAX chat {chat_id} has no join link")
        return info.link

    async def list_members(self, chat_id: str) -> list[Member]:
        return await self._members(f"/chats/{as_id(chat_id, 'chat id')}/members")

    async def list_admins(self, chat_id: str) -> list[Member]:
        return await self._members(f"/chats/{as_id(chat_id, 'chat id')}/members/admins")

    async def _members(self, path: str) -> list[Member]:
        # NOTES §5: loop while `marker` is not null; a repeated marker would loop forever.
        members: list[Member] = []
        marker: int | None = None
        seen: set[int] = set()
        while True:
            # The admins list takes no paging parameters (schema 0.0.30).
            paged = not path.endswith("/admins")
            query: Query = {"count": PAGE, "marker": marker} if paged else {}
            page = await self.call("GET", path, query=query)
            members.extend(member_from(m) for m in page.get("members") or ())
            marker = page.get("marker")
            if marker is None or marker in seen:
                return members
            seen.add(marker)

    # chat and bot

    async def get_me(self) -> dict[str, Any]:
        """The bot's own `BotInfo` (user_id, name, username)."""
        return await self.call("GET", "/me")

    async def chat_info(self, chat_id: str) -> ChatInfo:
        return ChatInfo.from_raw(await self.call("GET", f"/chats/{as_id(chat_id, 'chat id')}"))

    async def my_rights(self, chat_id: str) -> tuple[bool, list[str]]:
        """Whether the bot is an admin here, and its rights (NOTES §5 `members/me`)."""
        me = await self.call("GET", f"/chats/{as_id(chat_id, 'chat id')}/members/me")
        perms = me.get("permissions") or []
        return bool(me.get("is_admin")), [str(p) for p in perms]

    async def check_rights(
        self, chat_id: str, required: Iterable[str] = tuple(REQUIRED_RIGHTS)
    ) -> tuple[bool, list[str]]:
        """(is_admin, missing rights) for `rights_request_text` (NOTES §8.6)."""
        is_admin, perms = await self.my_rights(chat_id)
        return is_admin, missing_rights(is_admin, perms, required)

    # updates

    async def subscribe(self, url: str, secret: str, update_types: Iterable[str]) -> None:
        """Switch to webhook delivery (NOTES §3.2); polling then returns nothing."""
        if not _SECRET.fullmatch(secret):
            raise InvalidRequest("a MAX webhook secret is 5-256 of A-Z a-z 0-9 _ -")
        body = {"url": url, "secret": secret, "update_types": list(update_types)}
        await self.call("POST", "/subscriptions", body=body)

    async def unsubscribe(self, url: str) -> None:
        await self.call("DELETE", "/subscriptions", query={"url": url})

    async def subscriptions(self) -> list[Mapping[str, Any]]:
        return list((await self.call("GET", "/subscriptions")).get("subscriptions") or [])

    def polling(self, cursors: CursorStore, **options: Any) -> MaxPolling:
        """A long-poll source sharing this adapter's transport and rate bucket."""
        return MaxPolling(
            self.api, cursors, limiter=self.limiter, bucket=self.bucket, rate=self.rate, **options
        )

    async def close(self) -> None:
        await self.queue.close()
        await self.api.close()
