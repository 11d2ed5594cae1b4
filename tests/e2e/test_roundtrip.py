"""A person writes in a chat; the bot answers; a button press is answered (issues 2/11, 3/11).

Parametrized over VK and MAX by the `platform` fixture: the same script, the same bot.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app import App
from tests.e2e.conftest import EmulatorServer
from tests.e2e.control import eventually


async def _roundtrip(emulator: EmulatorServer) -> None:
    em = emulator.control
    teacher = await em.user("Мария Ивановна")
    student = await em.user("Петя")
    chat = await em.chat("5А", [teacher, student], admins=[teacher])

    await em.say(chat, student, "/пинг")

    async def bot_reply() -> Any:
        return [m for m in await em.bot_messages(chat) if m["text"] == "Бот на связи."]

    reply = (await eventually(bot_reply))[0]
    assert reply["keyboard"], "the reply carries the button"
    button = reply["keyboard"]["buttons"][0][0] if isinstance(reply["keyboard"], dict) else None
    payload = _payload(button) if button else {"cmd": "ping_ok"}
    await em.press(student, chat, str(reply["message_id"]), payload)

    async def answered() -> Any:
        inbox = await em.private(student)
        return inbox.get("notifications")

    notes = await eventually(answered)
    assert "Готово" in str(notes[-1])


def _payload(button: dict[str, Any]) -> dict[str, Any]:
    action = button.get("action", button)
    payload = action.get("payload", {})
    if isinstance(payload, str):
        import json

        payload = json.loads(payload)
    return dict(payload)


async def test_roundtrip_in_process(emulator: EmulatorServer, bot: App) -> None:
    await _roundtrip(emulator)


async def test_roundtrip_with_etiket_run(
    emulator: EmulatorServer, etiket_run: Any, platform: str
) -> None:
    proc = etiket_run(
        "--platform", platform, "--api-url", emulator.api_url(platform), "--token", emulator.token
    )
    try:
        await emulator.bot_is_listening()
        await _roundtrip(emulator)
    finally:
        if proc.poll() is not None:
            out = proc.log_path.read_text()
            raise AssertionError(f"etiket run exited early ({proc.returncode}):\n{out}")
    await asyncio.sleep(0)
