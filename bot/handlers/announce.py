"""`/объявление` (`/announce`): plan an announcement from the staff chat (issue [8/11]).

    /объявление <цели>; <когда>; <текст>

The three parts are the CLI's `--to`, `--at`/`--every` and `--text`: targets are
chat tags with `*`, `#chat ids` or `@roles`, comma-separated; `когда` is a local date
and time (`2026-12-01 18:00`, once) or days and times (`пн,чт 08:00`, weekly), in the
school's time zone. Only in a chat tagged for staff (`учительская`, `staff`,
`сотрудники`) and only by a moderator of that chat. The bot stores a draft and
answers with the resolved chats and the next runs; the confirm button makes it
active and wakes the scheduler, the cancel button drops the draft.
"""

from __future__ import annotations

from datetime import datetime

from adapters.base import Button, Event, Keyboard, MessengerAdapter
from bot.announcements import (
    ScheduleError,
    TargetError,
    parse_at,
    parse_every,
    parse_targets,
    resolve,
)
from bot.announcements.schedule import Schedule
from bot.config import Settings
from bot.filters import Command, Payload
from bot.filters.command import CommandObject
from bot.i18n import Texts
from bot.router import Router
from bot.services.announcement_specs import NewAnnouncement, chat_ref
from bot.services.announcement_timer import AnnouncementScheduler
from bot.services.moderators import Moderators
from bot.services.payload import payload_int
from storage import Database
from storage.repos import Chats

__all__ = ["build", "parse_command"]

CONFIRM, CANCEL = "announce_ok", "announce_no"


def build() -> Router:
    router = Router(name="announce")
    router.message(Command("объявление", "announce"))(announce)
    router.button(Payload(cmd=CONFIRM))(confirmed)
    router.button(Payload(cmd=CANCEL))(cancelled)
    return router


def parse_command(args: str) -> tuple[tuple[str, ...], Schedule, str]:
    """`цели; когда; текст` (three non-empty parts) into targets, schedule and text."""
    targets, when, text = [p.strip() for p in args.split(";", 2)]
    looks_like_date = when[:4].isdigit() and when[4:5] == "-"
    schedule = parse_at(when) if looks_like_date else parse_every(when)
    return parse_targets(targets), schedule, text


async def _allowed(event: Event, db: Database, moderators: Moderators) -> bool:
    """A moderator of a chat tagged for staff."""
    async with db.transaction() as session:
        chat = await Chats(session).find(event.platform, event.chat_id)
        ref = chat_ref(chat) if chat is not None else None
    if ref is None or not resolve(("@staff",), [ref]).chats:
        return False
    return await moderators.is_moderator(event)


def _local(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


async def announce(
    event: Event,
    adapter: MessengerAdapter,
    texts: Texts,
    db: Database,
    settings: Settings,
    moderators: Moderators,
    announcements: AnnouncementScheduler,
    command: CommandObject,
) -> None:
    async def say(text: str, keyboard: Keyboard | None = None) -> None:
        await adapter.send_message(
            event.chat_id, text, keyboard=keyboard, reply_to=event.message_id
        )

    parts = [p.strip() for p in command.args.split(";", 2)]
    if len(parts) != 3 or not all(parts):
        return await say(texts.t("announce.usage"))
    if not await _allowed(event, db, moderators):
        return await say(texts.t("announce.not_admin"))
    try:
        targets, schedule, text = parse_command(command.args)
    except (ScheduleError, TargetError) as exc:
        return await say(
            f"{texts.t('announce.bad_input', reason=exc)}\n{texts.t('announce.usage')}"
        )
    spec = NewAnnouncement(text, targets, schedule, settings.timezone, author=event.user_id)
    service = announcements.service
    view = await service.preview(spec)
    if not view.chats:
        return await say(texts.t("announce.no_chats", targets=", ".join(targets)))
    if not view.runs:
        return await say(texts.t("announce.no_runs"))
    ann = await service.create(spec, draft=True)
    if schedule.kind == "once" and schedule.at is not None:
        when = texts.t("announce.when_once", at=_local(schedule.at))
    else:
        when = texts.t("announce.when_every", spec=command.args.split(";", 2)[1].strip())
    body = texts.t(
        "announce.confirm",
        id=ann.id,
        when=when,
        count=len(view.chats),
        chats=", ".join(c.title or c.platform_chat_id for c in view.chats),
        runs=", ".join(_local(r) for r in view.runs),
        text=text,
    )
    keyboard = Keyboard.of(
        [
            Button(texts.t("announce.button_confirm"), {"cmd": CONFIRM, "id": ann.id}, "positive"),
            Button(texts.t("announce.button_cancel"), {"cmd": CANCEL, "id": ann.id}, "negative"),
        ]
    )
    await say(body, keyboard)
    return None


def _id(event: Event) -> int:
    return payload_int(event.payload, "id") or 0


async def confirmed(
    event: Event,
    adapter: MessengerAdapter,
    texts: Texts,
    db: Database,
    moderators: Moderators,
    announcements: AnnouncementScheduler,
) -> None:
    if not await _allowed(event, db, moderators):
        return await adapter.answer_button(event, texts.t("announce.not_admin"))
    ann_id = _id(event)
    if not await announcements.service.confirm(ann_id):
        return await adapter.answer_button(event, texts.t("announce.gone"))
    await adapter.answer_button(event)
    await adapter.send_message(event.chat_id, texts.t("announce.confirmed", id=ann_id))
    await announcements.changed()
    return None


async def cancelled(
    event: Event,
    adapter: MessengerAdapter,
    texts: Texts,
    db: Database,
    moderators: Moderators,
    announcements: AnnouncementScheduler,
) -> None:
    if not await _allowed(event, db, moderators):
        return await adapter.answer_button(event, texts.t("announce.not_admin"))
    ann_id = _id(event)
    ann = await announcements.service.get(ann_id)
    if ann is None or ann.status != "draft" or not await announcements.service.cancel(ann_id):
        return await adapter.answer_button(event, texts.t("announce.gone"))
    await adapter.answer_button(event)
    await adapter.send_message(event.chat_id, texts.t("announce.cancelled", id=ann_id))
    await announcements.changed()
    return None
