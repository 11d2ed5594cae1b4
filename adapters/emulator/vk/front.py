"""The VK front: VK's ids, API, Bots Long Poll and Callback API over the shared world."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from adapters.emulator.hub import Emulator
from adapters.emulator.model import Chat, Conversation
from adapters.emulator.transport import transport_fault
from adapters.emulator.vk.api import MethodApi
from adapters.emulator.vk.callback import CallbackSender
from adapters.emulator.vk.ids import CHAT_BASE, VkIds
from adapters.emulator.vk.longpoll import LongPollServer
from adapters.emulator.vk.methods import Call
from adapters.emulator.vk.ratelimit import SlidingWindow
from adapters.emulator.vk.updates import UpdateRenderer

__all__ = ["VkFront"]


class VkFront:
    """Serves `/method/<name>` and `/bots_lp/<group_id>`; optionally pushes callbacks."""

    platform = "vk"

    def __init__(
        self,
        hub: Emulator,
        *,
        group_id: int = 1,
        group_name: str = "Школа",
        rps_limit: int | None = 20,
        callback_url: str | None = None,
        secret: str | None = None,
        confirmation_code: str | None = None,
    ) -> None:
        self.hub = hub
        self.ids = VkIds(group_id)
        self.group_name = group_name
        self.limiter = SlidingWindow(rps_limit) if rps_limit else None
        self.renderer = UpdateRenderer(self.ids, secrets.token_hex(4))
        self.longpoll = LongPollServer(hub, self.renderer)
        self.api = MethodApi(hub, self.limiter, self._call)
        self.callback = (
            CallbackSender(hub, self.renderer, callback_url, secret, confirmation_code)
            if callback_url
            else None
        )

    # -- Front: ids as a VK bot sees them --------------------------------------

    def user_ref(self, user_id: int) -> str:
        return str(self.ids.owner(user_id))

    def parse_user(self, ref: object) -> int:
        return self.ids.world_user(_int(ref))

    def conversation_ref(self, conversation: Conversation) -> str:
        return str(self.ids.peer(conversation))

    def parse_conversation(self, ref: object) -> Conversation:
        return self.ids.conversation(self.hub.world, _int(ref))

    def message_ref(self, conversation: Conversation, message_id: int) -> str:
        return str(message_id)  # the conversation_message_id (NOTES §8: ids are 0 in chats)

    def parse_message(self, conversation: Conversation, ref: object) -> int:
        return _int(ref)

    def chat_number(self, chat: Chat) -> int:
        return self.ids.peer(chat) - CHAT_BASE

    # -- serving ---------------------------------------------------------------

    def install(self, app: web.Application) -> None:
        app.router.add_route("GET", "/method/{method}", self.api.handle)
        app.router.add_route("POST", "/method/{method}", self.api.handle)
        app.router.add_route("GET", "/bots_lp/{group_id}", self._a_check)
        app.router.add_route("POST", "/bots_lp/{group_id}", self._a_check)
        if self.callback is not None:
            app.cleanup_ctx.append(self._run_callback)

    def reset(self) -> None:
        self.longpoll.expire()
        self.renderer.reset()
        if self.limiter is not None:
            self.limiter.reset()

    async def _a_check(self, request: web.Request) -> web.StreamResponse:
        faulted = await transport_fault(request, self.hub.faults, "a_check")
        if faulted is not None:
            return faulted[1]
        return web.json_response(await self.longpoll.a_check(request, self.hub.faults))

    def _call(self, params: dict[str, Any], base_url: str) -> Call:
        return Call(self.hub.world, self.ids, params, self.group_name, self.longpoll, base_url)

    async def _run_callback(self, app: web.Application) -> AsyncIterator[None]:
        assert self.callback is not None
        task = asyncio.create_task(self.callback.run())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _int(ref: object) -> int:
    if isinstance(ref, bool) or not isinstance(ref, int | str):
        raise ValueError(f"expected an id, got {ref!r}")
    return int(ref)
