"""etiket as `bot.app.build_app` wires it, fed raw updates one at a time.

Only the platform is swapped: `build_platform` hands back the recording
`FakeAdapter` and a source that never polls, so the whole pipeline runs without a
network: parse → intake (dedup) → dispatcher with etiket's routers, middlewares and
services → SQLite → outbox → adapter. Each platform call is counted against the
input that caused it: direct adapter calls as they happen, outbox rows as a handler
writes them (`Ledger._add` is wrapped). The action runner's loop is stopped; the
harness carries the outbox out every `DRAIN_EVERY` inputs, as the runner would in
batches, and nothing it carries out may fail.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

import bot.app
from adapters.base import Event, EventKind
from adapters.max_messenger import parse_update as max_parse
from adapters.registry import Platform
from adapters.vk_messenger import parse_update as vk_parse
from bot.app import App, build_app
from bot.clock import FakeClock
from bot.config import MaxSettings, Settings, VkSettings
from bot.config.settings import WebSettings
from bot.filters.command import parse_command
from bot.moderation import CommandContext, Mention, UsageError, command_spec
from bot.moderation import parse_command as parse_moderation
from bot.services import COMMAND_NAMES
from bot.services.ledger import Ledger
from storage.repos import Chats
from tests.bot.fakes import FakeAdapter
from tests.fuzz.seeds import COLLEAGUE, MAX_STAFF, TEACHER, VK_STAFF

__all__ = ["CATEGORIES", "FuzzBot", "Outcome", "check_event"]

CATEGORIES = ("rejected", "duplicate", "answered", "logged", "silent")
"""What became of one input: refused by the parser, dropped by the intake as a
redelivery (a mutation took away what made its key unique), or dispatched and then
answered (any call to the platform), logged at ERROR, or handled without a word (a
plain chat message, a press of a button nobody knows)."""

PARSERS: dict[str, Callable[[Any], Event | None]] = {"vk": vk_parse, "max": max_parse}
MODERATORS = (str(TEACHER), str(COLLEAGUE))
DRAIN_EVERY = 200
"""Inputs between two runs of the outbox: the action runner batches in production too."""
_ID = re.compile(r"-?[0-9]{1,19}", re.ASCII)
_CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


class IdleSource:
    """An event source that never delivers: the fuzzer feeds the intake itself."""

    async def run(self, handle: Any) -> None:
        return None

    async def stop(self) -> None:
        return None


def check_event(platform: str, event: Event) -> None:
    """What a parser may put into an `Event`: right types, usable ids, finite time."""
    assert isinstance(event, Event), type(event)
    assert event.platform == platform and isinstance(event.kind, EventKind)
    for name in ("chat_id", "user_id", "message_id", "actor_id", "text", "event_id",
                 "reply_to_message_id", "reply_to_user_id"):  # fmt: skip
        assert type(getattr(event, name)) is str, f"{name} is {getattr(event, name)!r}"
    for name in ("chat_id", "user_id", "actor_id", "reply_to_user_id"):
        value = getattr(event, name)
        assert value == "" or _ID.fullmatch(value), f"{name} is not an int64 id: {value!r}"
    assert event.chat_id or event.kind is EventKind.BUTTON, "an event without a chat"
    if event.kind not in (EventKind.MESSAGE, EventKind.MESSAGE_EDITED):
        assert event.user_id, "a press, a join or a leave of nobody"  # MAX channel posts
    assert isinstance(event.payload, Mapping) and type(event.is_private) is bool
    assert type(event.timestamp) is float and math.isfinite(event.timestamp), event.timestamp
    assert type(event.mentions) is tuple and all(type(m) is str for m in event.mentions)
    if platform == "vk":  # MAX may name a person by `@username` alone
        assert all(_ID.fullmatch(m) for m in event.mentions), event.mentions
    if platform == "max" and event.message_id:
        mid = _max_mid(event.raw)
        assert type(mid) is str or type(mid) is int, f"message id from {mid!r}"


def _max_mid(raw: Mapping[str, Any]) -> Any:
    message = raw.get("message")
    return message["body"]["mid"] if isinstance(message, dict) else None


def _call(name: str, args: Any) -> tuple[str, str, str]:
    """A `FakeAdapter` call as `(kind, chat or user, text)`."""
    if name in ("send", "private"):
        return name, str(args[0]), str(args[1])
    if name == "answer":
        return name, "", str(args or "")
    return name, str(args[0]), ""


@dataclass
class Outcome:
    category: str
    event: Event | None = None
    calls: list[tuple[str, str, str]] = field(default_factory=list)
    """Direct adapter calls, then outbox rows decided while handling the input."""
    errors: list[logging.LogRecord] = field(default_factory=list)


class FuzzBot:
    """One running bot on one platform; `push` is the pipeline for one raw input."""

    def __init__(self, app: App, adapter: FakeAdapter, records: Callable[[], list[Any]]) -> None:
        self.app = app
        self.adapter = adapter
        self.platform = adapter.platform
        self.parse = PARSERS[self.platform]
        self.records = records
        self.tally: Counter[str] = Counter()
        self.raised = 0
        self.pushed = 0
        self.enqueued: list[tuple[str, str, str]] = []
        """Platform calls decided through the outbox, as `(kind, chat or user, text)`."""
        self._names: frozenset[str] = frozenset()
        self.clock = app.services.m.clock
        on_error = app.dispatcher._on_error

        async def counted(exc: Exception, event: Event, data: dict[str, Any]) -> Any:
            self.raised += 1  # an exception escaped a handler or middleware
            return await on_error(exc, event, data)

        app.dispatcher._on_error = counted  # type: ignore[method-assign]

    def _record(self, kind: str, params: dict[str, Any]) -> None:
        for name in ("chat_id", "user_id"):
            value = params.get(name)
            assert value is None or _ID.fullmatch(value), f"an outbox {kind} to {name}={value!r}"
        target = params.get("chat_id") if kind != "private" else params.get("user_id")
        self.enqueued.append((kind, str(target), str(params.get("text") or "")))

    @classmethod
    @asynccontextmanager
    async def running(
        cls, platform: str, database: Path, records: Callable[[], list[Any]]
    ) -> AsyncIterator[FuzzBot]:
        adapter = FakeAdapter(admins=MODERATORS, owner=str(TEACHER))
        adapter.platform = platform  # type: ignore[misc]
        settings = Settings(
            platform=platform,  # type: ignore[arg-type]
            database_url=f"sqlite:///{database}",
            redis_url=None,
            auto_migrate=False,
            vk=VkSettings(token=SecretStr("fuzz"), group_id=42),
            max=MaxSettings(token=SecretStr("fuzz")),
            web=WebSettings(enabled=False),
        )
        clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                bot.app, "build_platform", lambda *a, **k: Platform(adapter, IdleSource())
            )
            app = await build_app(settings, clock=clock)
        for hook in app.runner.on_startup:
            await hook()
        await app.dispatcher.emit_startup()
        await app.services.m.actions.stop()  # drained by hand, see `drain`
        await app.services.detection.seen.stop()
        staff = VK_STAFF if platform == "vk" else MAX_STAFF
        async with app.db.transaction() as session:
            chat = await Chats(session).get_or_create(platform, str(staff), title="Учительская")
            await Chats(session).set_tags(chat, ["учительская"])
        fuzz = cls(app, adapter, records)
        add = Ledger._add

        async def recorded(ledger: Ledger, name: str, kind: str, audit_id: int | None,
                           **params: Any) -> None:  # fmt: skip
            await add(ledger, name, kind, audit_id, **params)
            fuzz._record(kind, params)

        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(Ledger, "_add", recorded)
                yield fuzz
                await fuzz.drain()
        finally:
            await app.dispatcher.emit_shutdown()
            for hook in reversed(app.runner.on_shutdown):
                await hook()

    async def push(self, raw: Any) -> Outcome:
        event = self.parse(raw)  # documented: an Event or None, never an exception
        if event is None:
            self.tally["rejected"] += 1
            return Outcome("rejected")
        check_event(self.platform, event)
        calls, queued, records = len(self.adapter.calls), len(self.enqueued), len(self.records())
        raised, duplicates = self.raised, self.app.intake.duplicates
        await self.app.intake.handle_batch([event])
        direct = [_call(name, args) for name, args in self.adapter.calls[calls:]]
        out = Outcome("silent", event, direct + self.enqueued[queued:])
        self.pushed += 1
        if self.pushed % DRAIN_EVERY == 0:
            await self.drain()
        if self.app.intake.duplicates != duplicates:
            assert not out.calls, "a redelivery was acted on"
            self.tally["duplicate"] += 1
            out.category = "duplicate"
            return out
        out.errors = [r for r in self.records()[records:] if r.levelno >= logging.ERROR]
        assert self.raised == raised or out.errors, "a handler raised and nothing was logged"
        out.category = "logged" if out.errors else "answered" if out.calls else "silent"
        self.tally[out.category] += 1
        self.check_answer(out)
        return out

    async def drain(self) -> None:
        """Carry out what the outbox holds, as the action runner would; nothing may fail."""
        records = len(self.records())
        while await self.app.services.m.actions.process_due():
            pass
        errors = [r.getMessage() for r in self.records()[records:] if r.levelno >= logging.ERROR]
        assert not errors, f"carrying out actions failed: {errors}"

    async def tick(self, hours: float = 6) -> int:
        """Let time pass: block ends, consent windows, digests and announcements fire."""
        assert isinstance(self.clock, FakeClock)
        self.clock.advance(timedelta(hours=hours))
        records = len(self.records())
        fired = await self.app.services.m.timers.run_due()
        await self.drain()
        errors = [r for r in self.records()[records:] if r.levelno >= logging.ERROR]
        assert not errors, f"timers failed: {[r.getMessage() for r in errors]}"
        return fired

    def check_answer(self, out: Outcome) -> None:
        """A command in a chat gets an answer; a moderator's bad arguments get the usage."""
        event = out.event
        assert event is not None
        for kind, _, text in out.calls:
            if kind in ("send", "private") and text:
                assert "Traceback" not in text and _CYRILLIC.search(text), text[:300]
        if event.kind is not EventKind.MESSAGE or event.is_private:
            return
        command = parse_command(event.text)
        if command is None or command.name not in self.app_commands():
            return
        assert out.calls or out.errors, "a command got neither an answer nor a log line"
        spec = command_spec(command.name)
        if event.user_id not in MODERATORS or spec is None or spec.name not in COMMAND_NAMES:
            return
        usage = self.usage_error(event)
        if usage is not None:
            sent = [text for kind, to, text in out.calls if kind == "send" and to == event.chat_id]
            assert sent == [self.app.services.m.formats.usage(usage)], sent

    def usage_error(self, event: Event) -> UsageError | None:
        m = self.app.services.m
        context = CommandContext(
            reply_user_id=event.reply_to_user_id or None,
            reply_message_id=event.reply_to_message_id or None,
            mentions=tuple(Mention(u) for u in event.mentions if not u.startswith("@")),
        )
        parsed = parse_moderation(
            event.text, m.regulation.rules(m.platform, event.chat_id), context
        )
        return parsed if isinstance(parsed, UsageError) else None

    def app_commands(self) -> frozenset[str]:
        if not self._names:
            self._names = frozenset(_command_names(self.app.dispatcher))
        return self._names


def _command_names(router: Any) -> set[str]:
    """Every name a `Command` filter of the router tree answers to."""
    found: set[str] = set()
    for observer in router.observers.values():
        for handler in observer.handlers:
            found |= set(handler.commands or ())
    for sub in router.sub_routers:
        found |= _command_names(sub)
    return found
