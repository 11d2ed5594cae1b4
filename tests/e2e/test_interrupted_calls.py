"""Exactly-once platform calls (issue [11/11]): a process that died after its send
reached the platform but before the outcome was recorded leaves the outbox row
claimed and unfinished. Whoever claims it next must not post it a second time: VK
deduplicates the repeat by a `random_id` derived from the row's key, and on MAX the
runner looks the message up before sending."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from bot.action_kinds import carry_out
from bot.app import build_app
from storage.models import utcnow
from storage.repos import Outbox
from tests.e2e.conftest import EmulatorServer, bot_settings


async def test_a_send_cut_off_by_a_crash_is_not_posted_twice(
    emulator: EmulatorServer, platform: str, tmp_path: Path
) -> None:
    em = emulator.control
    student = await em.user("Ученик")
    chat = await em.chat("5А", [student])
    app = await build_app(bot_settings(emulator, platform, tmp_path))
    try:
        key = f"test:{uuid.uuid4().hex}:warn"
        text = "Предупреждение по правилу 1"
        async with app.db.transaction() as session:
            outbox = Outbox(session)
            action = await outbox.add(
                key, platform=platform, kind="send", params={"chat_id": chat, "text": text}
            )
            now = utcnow()
            assert await outbox.claim_many([action.id], now, now + timedelta(seconds=30))
        # The first process carries it out, and dies before recording the outcome.
        first = await carry_out(app.adapter, "send", action.params, key=key)
        assert first is not None

        # The lease ran out; another process claims the row and carries it out.
        runner = app.services.m.actions
        runner.clock = lambda: utcnow() + timedelta(minutes=5)
        assert await runner.process_due() == 1

        posted = [m for m in (await em.get_chat(chat))["messages"] if m["from_bot"]]
        assert [m["text"] for m in posted] == [text]
        async with app.db.transaction() as session:
            row = await Outbox(session).by_key(key)
        assert row is not None and row.status == "done"
        assert row.result == {"message_id": first["message_id"]}
        assert (row.claims, row.attempts) == (2, 1)
    finally:
        await app.close()


async def test_an_unsent_interrupted_send_goes_out_once(
    emulator: EmulatorServer, platform: str, tmp_path: Path
) -> None:
    """The first process died before its call left: the lookup finds nothing, so the
    message is sent (once)."""
    em = emulator.control
    student = await em.user("Ученик")
    chat = await em.chat("5А", [student])
    app = await build_app(bot_settings(emulator, platform, tmp_path))
    try:
        key = f"test:{uuid.uuid4().hex}:warn"
        async with app.db.transaction() as session:
            outbox = Outbox(session)
            action = await outbox.add(
                key, platform=platform, kind="send", params={"chat_id": chat, "text": "Раз"}
            )
            now = utcnow()
            assert await outbox.claim_many([action.id], now, now + timedelta(seconds=30))
        runner = app.services.m.actions
        runner.clock = lambda: utcnow() + timedelta(minutes=5)
        assert await runner.process_due() == 1
        posted = [m["text"] for m in (await em.get_chat(chat))["messages"] if m["from_bot"]]
        assert posted == ["Раз"]
    finally:
        await app.close()


async def test_a_private_send_cut_off_by_a_crash_is_not_sent_twice(
    emulator: EmulatorServer, platform: str, tmp_path: Path
) -> None:
    """On MAX a dialog's chat_id is not the person's id: the lookup finds the dialog in
    the result of an earlier private send to them, as a new process must (its own
    memory of dialogs died with the old one)."""
    em = emulator.control
    parent = await em.user("Родитель")
    await em.write_bot(parent, "Здравствуйте")  # a dialog with the bot exists
    app = await build_app(bot_settings(emulator, platform, tmp_path))
    try:
        runner = app.services.m.actions
        keys = [f"test:{uuid.uuid4().hex}:notice" for _ in range(2)]
        async with app.db.transaction() as session:
            earlier = await Outbox(session).add(
                keys[0], platform=platform, kind="private",
                params={"user_id": parent, "text": "Уведомление о собрании"},
            )  # fmt: skip
        assert await runner.process_due() == 1  # an earlier notice, recorded
        text = "Уведомление о блокировке"
        async with app.db.transaction() as session:
            outbox = Outbox(session)
            action = await outbox.add(
                keys[1], platform=platform, kind="private", params={"user_id": parent, "text": text}
            )
            now = utcnow()
            assert await outbox.claim_many([action.id], now, now + timedelta(seconds=30))
        # The first process sends it and dies before recording the outcome.
        first = await carry_out(app.adapter, "private", action.params, key=keys[1])
        assert first is not None
        getattr(app.adapter, "dialogs", {}).clear()  # the next process knows no dialogs

        runner.clock = lambda: utcnow() + timedelta(minutes=5)
        assert await runner.process_due() == 1
        sent = [m["text"] for m in (await em.private(parent))["messages"] if m["from_bot"]]
        assert sent == ["Уведомление о собрании", text]
        async with app.db.transaction() as session:
            row = await Outbox(session).by_key(keys[1])
            before = await Outbox(session).by_key(earlier.key)
        assert row is not None and row.status == "done" and (row.claims, row.attempts) == (2, 1)
        assert row.result is not None and row.result["message_id"] == first["message_id"]
        if platform == "max":  # where the next lookup will look
            assert before is not None and before.result is not None
            assert before.result["dialog"] != parent
    finally:
        await app.close()
