"""Telling moderators when the bot cannot act because it is not a chat admin.

VK answers 917/925 and MAX 403 when the bot lacks admin rights; a deletion, block or
removal then fails for good. The chat's moderators get one private notice per chat
per hour, so a burst of failed calls is one message, not fifty.
"""

from __future__ import annotations

from adapters.errors import MessengerError, NotAdmin
from bot.services.base import Moderation
from storage.models import PlatformAction
from storage.repos import AuditLog, Chats

__all__ = ["NOTICE_EVERY", "Notices"]

NOTICE_EVERY = 3600.0


class Notices:
    def __init__(self, m: Moderation) -> None:
        self.m = m

    async def action_failed(self, action: PlatformAction, exc: MessengerError) -> None:
        """`ActionRunner(on_failure=...)`."""
        chat_id = action.params.get("chat_id")
        if not isinstance(exc, NotAdmin) or not chat_id:
            return
        m = self.m
        if not await m.state.remember(f"notice:not-admin:{m.platform}:{chat_id}", NOTICE_EVERY):
            return
        async with m.db.transaction() as session:
            chat = await Chats(session).find(m.platform, str(chat_id))
            record = await AuditLog(session).get(action.audit_id) if action.audit_id else None
        actor = record.actor_id if record is not None and record.actor_kind == "person" else None
        recipients = await m.moderators.notify_list(m.platform, str(chat_id), [actor])
        title = chat.title if chat is not None and chat.title else str(chat_id)
        text = m.formats.t("notice.not_admin", chat=title)
        async with m.deciding(f"not-admin:{action.id}") as ledger:
            for user_id in recipients:
                await ledger.private(f"notice:{user_id}", user_id, text)
