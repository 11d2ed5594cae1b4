"""Not-admin failures reach the moderators once per chat per hour; rights on bot_added."""

from __future__ import annotations

import uuid

from adapters.base import Capabilities, Event, EventKind
from adapters.errors import NotAdmin
from bot.moderation import Actor, DeleteArgs, default_ruleset
from bot.services import ModerationServices
from storage import Database
from tests.bot.fakes import FakeAdapter
from tests.bot.services.conftest import TEACHER, make_services


async def test_not_admin_is_reported_once_per_chat(
    services: ModerationServices, adapter: FakeAdapter
) -> None:
    chat = str(uuid.uuid4().int % 10**9)
    rule = default_ruleset().resolve("флуд")
    assert rule is not None
    adapter.fail["delete"] = [NotAdmin("917", code=917), NotAdmin("917", code=917)]
    for n in range(2):
        args = DeleteArgs(str(n), None, rule)
        await services.commands.sanctions.delete(
            f"vk:{chat}:{n}", chat, args, Actor.person(TEACHER)
        )
    while await services.m.actions.process_due():
        pass
    notices = [a for a in adapter.sent("private") if "нет прав администратора" in a[1]]
    assert [n[0] for n in notices] == [TEACHER]


async def test_bot_added_where_it_must_be_admin_asks_for_rights(
    db: Database, adapter: FakeAdapter
) -> None:
    adapter.capabilities = Capabilities(False, True, False, False, True, 4000)

    async def check_rights(chat_id: str) -> tuple[bool, list[str]]:
        return False, ["read_all_messages", "write"]

    adapter.check_rights = check_rights  # type: ignore[attr-defined]
    services = make_services(db, adapter)
    chat = str(uuid.uuid4().int % 10**9)
    event = Event("max", EventKind.BOT_ADDED, chat, TEACHER, event_id=uuid.uuid4().hex)
    await services.members.bot_added(event)
    await services.m.actions.process_due()
    [(_, text, _)] = adapter.sent("send")
    assert "назначьте меня администратором" in text and "• удалять сообщения" in text
