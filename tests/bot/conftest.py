from __future__ import annotations

from typing import Any

import pytest

from adapters.base import Event, EventKind


def make_event(text: str = "", kind: EventKind = EventKind.MESSAGE, **fields: Any) -> Event:
    base: dict[str, Any] = {
        "platform": "vk",
        "kind": kind,
        "chat_id": "2000000001",
        "user_id": "101",
        "message_id": "1",
        "text": text,
        "event_id": fields.pop("event_id", f"e-{text}-{kind}"),
    }
    base.update(fields)
    return Event(**base)


@pytest.fixture
def event_factory() -> Any:
    return make_event
