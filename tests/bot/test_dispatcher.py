"""The dispatch core: routing order, DI by name, middlewares, errors, hooks."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from adapters.base import EventKind
from bot.dispatcher import Dispatcher, ErrorEvent, ExceptionType
from bot.filters import ChatOnly, Command, CommandObject, PrivateOnly
from bot.router import UNHANDLED, Router, SkipHandler
from tests.bot.conftest import make_event


async def test_first_matching_handler_wins_and_fallback_gets_the_rest() -> None:
    dp = Dispatcher()
    seen: list[str] = []

    @dp.message(Command("warn", "пред"))
    async def warn(event: Any, command: CommandObject) -> str:
        seen.append(f"warn:{command.name}:{command.args}")
        return "warned"

    @dp.message()
    async def fallback(event: Any) -> None:
        seen.append("fallback")

    assert await dp.feed_event(make_event("/Пред id5 мат")) == "warned"
    await dp.feed_event(make_event("просто текст"))
    await dp.feed_event(make_event("/unknown"))
    assert seen == ["warn:пред:id5 мат", "fallback", "fallback"]


async def test_handler_receives_only_the_names_it_declares() -> None:
    dp = Dispatcher(adapter="ADAPTER", db="DB")
    got: dict[str, Any] = {}

    @dp.message()
    async def handler(event: Any, adapter: str) -> None:
        got["adapter"] = adapter

    @dp.button()
    async def takes_all(event: Any, **data: Any) -> None:
        got["all"] = set(data)

    await dp.feed_event(make_event("hi"))
    await dp.feed_event(make_event(kind=EventKind.BUTTON))
    assert got["adapter"] == "ADAPTER"
    assert {"adapter", "db", "dispatcher", "handler"} <= got["all"]


async def test_sub_routers_are_walked_depth_first_after_own_handlers() -> None:
    dp = Dispatcher()
    child, grandchild = Router(name="child"), Router(name="grandchild")
    dp.include_router(child)
    child.include_router(grandchild)
    order: list[str] = []

    @grandchild.message(Command("deep"))
    async def deep(event: Any) -> None:
        order.append("grandchild")

    @child.message(Command("mid"))
    async def mid(event: Any) -> None:
        order.append("child")

    await dp.feed_event(make_event("/deep"))
    await dp.feed_event(make_event("/mid"))
    assert await dp.feed_event(make_event("/none")) is UNHANDLED
    assert order == ["grandchild", "child"]


def test_a_router_cannot_be_included_twice_or_in_a_cycle() -> None:
    parent, child = Router(), Router()
    parent.include_router(child)
    with pytest.raises(RuntimeError, match="already included"):
        Router().include_router(child)
    with pytest.raises(RuntimeError, match="cycle"):
        child.include_router(parent)


async def test_outer_middleware_sees_all_inner_only_matched_with_flags() -> None:
    dp = Dispatcher()
    outer_seen: list[str] = []
    inner_flags: list[Any] = []

    async def outer(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        outer_seen.append(event.text)
        data["counted"] = True
        return await handler(event, data)

    async def inner(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        inner_flags.append(data["handler"].flags.get("moderator"))
        return await handler(event, data)

    dp.message.outer_middleware(outer)
    dp.message.middleware(inner)

    @dp.message(Command("warn"), flags={"moderator": True})
    async def warn(event: Any, counted: bool) -> bool:
        return counted

    assert await dp.feed_event(make_event("/warn")) is True
    await dp.feed_event(make_event("nobody takes this"))
    assert outer_seen == ["/warn", "nobody takes this"]
    assert inner_flags == [True]


async def test_outer_middleware_can_stop_an_event() -> None:
    dp = Dispatcher()
    called = []

    async def gate(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        return None if event.user_id == "666" else await handler(event, data)

    dp.outer_middleware(gate)

    @dp.message()
    async def h(event: Any) -> None:
        called.append(event.user_id)

    await dp.feed_event(make_event("x", user_id="666"))
    await dp.feed_event(make_event("x", user_id="7"))
    assert called == ["7"]


async def test_skip_handler_passes_to_the_next_candidate() -> None:
    dp = Dispatcher()

    @dp.message()
    async def first(event: Any) -> None:
        raise SkipHandler

    @dp.message()
    async def second(event: Any) -> str:
        return "second"

    assert await dp.feed_event(make_event("x")) == "second"


async def test_failing_handler_is_logged_with_event_id_and_next_event_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dp = Dispatcher()
    handled: list[str] = []

    @dp.message()
    async def explode(event: Any) -> None:
        if event.text == "boom":
            raise ValueError("bad argument")
        handled.append(event.text)

    with caplog.at_level(logging.ERROR, logger="etiket.dispatcher"):
        await dp.feed_event(make_event("boom", event_id="evt-42"))
        await dp.feed_event(make_event("next", event_id="evt-43"))
    assert handled == ["next"]
    assert any("vk:evt-42" in r.getMessage() and r.exc_info for r in caplog.records)
    assert dp.errors_logged == 1


async def test_error_handlers_receive_the_exception_and_event() -> None:
    dp = Dispatcher()
    caught: list[ErrorEvent] = []

    @dp.message()
    async def explode(event: Any) -> None:
        raise KeyError("x")

    @dp.error(ExceptionType(KeyError))
    async def on_key_error(event: ErrorEvent) -> str:
        caught.append(event)
        return "handled"

    assert await dp.feed_event(make_event("y")) == "handled"
    assert isinstance(caught[0].exception, KeyError) and caught[0].event.text == "y"
    assert dp.errors_logged == 0


async def test_sync_filters_and_handlers_and_plain_function_filters_work() -> None:
    dp = Dispatcher(threshold=3)

    def long_enough(event: Any, threshold: int) -> bool:
        return len(event.text) > threshold

    @dp.message(long_enough)
    def sync_handler(event: Any) -> str:
        return "long"

    assert await dp.feed_event(make_event("long text")) == "long"
    assert await dp.feed_event(make_event("ab")) is UNHANDLED


async def test_chat_and_private_filters() -> None:
    dp = Dispatcher()

    @dp.message(PrivateOnly())
    async def private(event: Any) -> str:
        return "private"

    @dp.message(ChatOnly())
    async def chat(event: Any) -> str:
        return "chat"

    assert await dp.feed_event(make_event("x", is_private=True)) == "private"
    assert await dp.feed_event(make_event("x")) == "chat"


async def test_startup_and_shutdown_hooks_get_dependencies() -> None:
    dp = Dispatcher(db="DB")
    child = Router()
    dp.include_router(child)
    calls: list[str] = []

    async def start(db: str) -> None:
        calls.append(f"start:{db}")

    def child_start() -> None:
        calls.append("child")

    async def stop() -> None:
        raise RuntimeError("a failing shutdown hook must not stop the others")

    def stop_two() -> None:
        calls.append("stopped")

    dp.startup.append(start)
    child.startup.append(child_start)
    dp.shutdown.extend([stop, stop_two])
    await dp.emit_startup()
    await dp.emit_shutdown()
    assert calls == ["start:DB", "child", "stopped"]


async def test_handlers_registered_after_first_event_are_seen() -> None:
    dp = Dispatcher()
    assert await dp.feed_event(make_event("/late")) is UNHANDLED

    @dp.message(Command("late"))
    async def late(event: Any) -> str:
        return "ok"

    assert await dp.feed_event(make_event("/late")) == "ok"
