"""Optional persistence: the world as one JSON file, so a demo survives a restart.

Events are not kept (a bot reconnecting gets `failed` and starts from the head),
but the event counter is, so long-poll cursors never go backwards.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from adapters.emulator.events import EventLog
from adapters.emulator.model import (
    Action,
    ActionKind,
    Button,
    Chat,
    Conversation,
    Dialog,
    Keyboard,
    Member,
    Message,
    User,
)
from adapters.emulator.world import World

__all__ = ["load_snapshot", "save_snapshot"]

VERSION = 1


def save_snapshot(world: World, path: Path) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a file."""
    data = {
        "version": VERSION,
        "event_head": world.events.head,
        "mailbox_seq": world.mailbox_seq,
        "users": [asdict(u) for u in world.users.values()],
        "chats": [
            {
                "id": c.id,
                "title": c.title,
                "invite_link": c.invite_link,
                "blocked": sorted(c.blocked),
                "pinned": c.pinned,
                "members": [asdict(m) for m in c.members.values()],
                "messages": [_message(m) for m in c.messages],
            }
            for c in world.chats.values()
        ],
        "dialogs": [
            {"id": d.id, "opened": d.opened_by_user, "messages": [_message(m) for m in d.messages]}
            for d in world.dialogs.values()
        ],
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False))
    os.replace(tmp, path)


def load_snapshot(world: World, path: Path) -> None:
    data = json.loads(path.read_text())
    world.events = EventLog(world.events.keep, first_seq=int(data["event_head"]))
    world.mailbox_seq = int(data["mailbox_seq"])
    world.users = {u["id"]: User(**u) for u in data["users"]}
    for raw in data["chats"]:
        chat = Chat(raw["id"], title=raw["title"], invite_link=raw["invite_link"])
        chat.blocked = set(raw.get("blocked", ()))
        chat.pinned = raw.get("pinned")
        chat.members = {m["user_id"]: Member(**m) for m in raw["members"]}
        _restore(chat, raw["messages"])
        world.chats[chat.id] = chat
    for raw in data["dialogs"]:
        dialog = Dialog(raw["id"], opened_by_user=raw["opened"])
        _restore(dialog, raw["messages"])
        world.dialogs[dialog.id] = dialog


def _message(message: Message) -> dict[str, Any]:
    data = asdict(message)
    data["forwarded"] = list(message.forwarded)
    return data


def _restore(conversation: Conversation, messages: list[dict[str, Any]]) -> None:
    for raw in messages:
        keyboard, action = raw.pop("keyboard"), raw.pop("action")
        message = Message(**{**raw, "forwarded": tuple(raw["forwarded"])})
        if keyboard is not None:
            rows = tuple(tuple(Button(**b) for b in row) for row in keyboard["rows"])
            message.keyboard = Keyboard(rows, keyboard["inline"], keyboard["one_time"])
        if action is not None:
            message.action = Action(ActionKind(action["kind"]), action["member_id"])
        conversation.append(message)
        if message.dedup_key:
            conversation.dedup[(message.from_id, message.dedup_key)] = message
