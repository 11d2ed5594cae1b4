"""The MAX front: MAX's ids, Bot API, `/updates` long polling and webhooks over the world."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from adapters.emulator.hub import Emulator
from adapters.emulator.max.api import MaxApi
from adapters.emulator.max.ids import MaxIds
from adapters.emulator.max.methods import ROUTES
from adapters.emulator.max.polling import UpdatesServer
from adapters.emulator.max.shapes import ALL_RIGHTS
from adapters.emulator.max.updates import UpdateRenderer
from adapters.emulator.max.webhook import Webhooks
from adapters.emulator.model import Chat, Conversation
from adapters.emulator.ratelimit import SlidingWindow

__all__ = ["BOT_USER_ID", "MaxFront"]

BOT_USER_ID = 229_229_229  # the bot's MAX user id (the Go client's fixtures use this one)


class MaxFront:
    """Serves the MAX Bot API at the root (`/me`, `/messages`, `/chats/...`, `/updates`)."""

    platform = "max"

    def __init__(
        self,
        hub: Emulator,
        *,
        bot_user_id: int = BOT_USER_ID,
        rps_limit: int | None = 30,
        webhook_retry_delay: float = 0.2,
    ) -> None:
        self.hub = hub
        self.ids = MaxIds(bot_user_id)
        self.limiter = SlidingWindow(rps_limit) if rps_limit else None  # NOTES §6: 30 rps
        self.granted: dict[int, tuple[str, ...]] = {}
        self.renderer = UpdateRenderer(lambda: self.hub.world, self.ids, self.rights)
        self.updates = UpdatesServer(self)
        self.webhooks = Webhooks(self, webhook_retry_delay)
        self.api = MaxApi(self, self.limiter)

    def rights(self, chat: Chat) -> tuple[str, ...]:
        """The bot's admin rights in `chat`: none unless admin, all unless narrowed."""
        if not chat.bot_is_admin:
            return ()
        return self.granted.get(chat.id, ALL_RIGHTS)

    # -- Front: ids as a MAX bot sees them -------------------------------------

    def user_ref(self, user_id: int) -> str:
        return str(self.ids.user(user_id))

    def parse_user(self, ref: object) -> int:
        return self.ids.world_user(_int(ref))

    def conversation_ref(self, conversation: Conversation) -> str:
        return str(self.ids.chat_id(conversation))

    def parse_conversation(self, ref: object) -> Conversation:
        return self.ids.conversation(self.hub.world, _int(ref))

    def message_ref(self, conversation: Conversation, message_id: int) -> str:
        return self.ids.mid(conversation, message_id)

    def parse_message(self, conversation: Conversation, ref: object) -> int:
        """A mid of this conversation; a plain number is taken as the message's position."""
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            return int(ref)
        target, number = self.ids.locate(self.hub.world, str(ref))
        if target is not conversation:
            raise ValueError(f"message {ref} is not in this chat")
        return number

    # -- serving ---------------------------------------------------------------

    def install(self, app: web.Application) -> None:
        for verb, path, handler, known in ROUTES:
            app.router.add_route(verb, path, self.api.route(handler, known))
        route = self.api.route
        app.router.add_get(
            "/updates",
            route(self.updates.get_updates, frozenset({"limit", "timeout", "marker", "types"})),
        )
        hooks = self.webhooks
        app.router.add_get("/subscriptions", route(hooks.list, frozenset()))
        app.router.add_post("/subscriptions", route(hooks.subscribe, frozenset()))
        app.router.add_delete("/subscriptions", route(hooks.unsubscribe, frozenset({"url"})))
        app.router.add_put("/emulator/max/chats/{chat_id}/rights", self._set_rights)
        app.cleanup_ctx.append(self._lifetime)

    def reset(self) -> None:
        self.renderer.reset()
        self.updates.reset()
        self.granted.clear()
        if self.limiter is not None:
            self.limiter.reset()

    async def _set_rights(self, request: web.Request) -> web.Response:
        """Control API, MAX only: narrow the bot's admin rights (`{"permissions": [...]}`)."""
        body = await request.json()
        conversation = self.parse_conversation(request.match_info["chat_id"])
        permissions = body.get("permissions") if isinstance(body, dict) else None
        if not isinstance(conversation, Chat) or not isinstance(permissions, list):
            raise ValueError("a group chat and a permissions list are required")
        self.granted[conversation.id] = tuple(str(p) for p in permissions)
        return web.json_response({"permissions": list(self.rights(conversation))})

    async def _lifetime(self, app: web.Application) -> AsyncIterator[None]:
        yield
        await self.webhooks.close()


def _int(ref: object) -> int:
    if isinstance(ref, bool) or not isinstance(ref, int | str):
        raise ValueError(f"expected an id, got {ref!r}")
    return int(ref)
