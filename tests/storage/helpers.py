"""Small builders shared by the repository tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from storage.db import Database
from storage.models import Chat
from storage.repos import Chats

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def unique(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


async def new_chat(db: Database, platform: str = "vk") -> Chat:
    """A chat no other test uses, so tests can share one migrated database."""
    async with db.transaction() as session:
        return await Chats(session).get_or_create(platform, unique("chat-"), title="5А")
