"""The synthetic chat workload shared by the bench scripts.

The same shape as ../shared/peerbench (so our figures compare with aiogram, vkbottle
and maxapi measured in the same run): N messages, 5,000 users, 200 chats, user u
writes in chat u % 200, exactly 10% slash commands from 20 names with 0, 1 or 2+
arguments, the rest 2 to 14 words. Encoded as raw VK Bots Long Poll `message_new`
dicts (API 5.199), because the peers parse raw platform dicts too.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

N = 50_000
CHATS = 200
USERS = 5_000
SEED = 20240917
COMMANDS = [
    "warn", "ban", "unban", "mute", "unmute", "kick", "rules", "report", "help", "start",
    "stats", "log", "pardon", "appeal", "settings", "lang", "whois", "purge", "announce", "roster",
]  # fmt: skip
WORDS = (
    "привет всем когда завтра контрольная домашка по математике кто знает расписание урок "
    "отменили спасибо ок да нет учитель сказал принести тетрадь экскурсия в пятницу "
    "родительское собрание hello ok see you tomorrow homework page 42 упражнение номер 7 а "
    "можно сдать позже 😀 👍 класс"
).split()
REASONS = ["спам", "оскорбление", "флуд", "мат", "реклама", "offtopic"]
PEER_BASE = 2_000_000_001
USER_BASE = 100_000_000


def messages(n: int = N, seed: int = SEED) -> Iterator[tuple[int, int, int, str, str | None]]:
    """(index, chat, user, text, command or None), deterministic for a seed."""
    rng = random.Random(seed)
    commands_at = set(rng.sample(range(n), round(n * 0.10)))
    for i in range(n):
        user = rng.randrange(USERS)
        chat = user % CHATS
        if i in commands_at:
            cmd = rng.choice(COMMANDS)
            shape = rng.randrange(3)
            if shape == 0:
                text = f"/{cmd}"
            elif shape == 1:
                text = f"/{cmd} @id{rng.randrange(USERS)}"
            else:
                reason = rng.choice(REASONS)
                text = f"/{cmd} @id{rng.randrange(USERS)} {reason} {rng.randrange(1, 30)}d"
            yield i, chat, user, text, cmd
        else:
            words = [rng.choice(WORDS) for _ in range(rng.randint(2, 14))]
            yield i, chat, user, " ".join(words), None


def vk_message_new(i: int, chat: int, user: int, text: str) -> dict[str, Any]:
    """A Bots Long Poll `message_new` update as VK delivers it."""
    return {
        "group_id": 222000111,
        "type": "message_new",
        "event_id": f"{i:040x}",
        "v": "5.199",
        "object": {
            "message": {
                "date": 1737450000 + i,
                "from_id": USER_BASE + user,
                "id": 0,
                "out": 0,
                "version": 10_000_000 + i,
                "attachments": [],
                "conversation_message_id": 1000 + i,
                "fwd_messages": [],
                "important": False,
                "is_hidden": False,
                "peer_id": PEER_BASE + chat,
                "random_id": 0,
                "text": text,
            },
            "client_info": {
                "button_actions": ["text", "vkpay", "open_app", "location", "open_link",
                                   "callback", "intent_subscribe", "intent_unsubscribe"],
                "keyboard": True,
                "inline_keyboard": True,
                "carousel": True,
                "lang_id": 0,
            },
        },
    }  # fmt: skip


def encoded_corpus(n: int = N) -> tuple[list[bytes], dict[str, int]]:
    """The workload as JSON bytes (decoded per run, outside the timer) and expected hits."""
    expected = {c: 0 for c in COMMANDS} | {"fallback": 0}
    corpus = []
    for i, chat, user, text, cmd in messages(n):
        expected[cmd or "fallback"] += 1
        corpus.append(json.dumps(vk_message_new(i, chat, user, text), ensure_ascii=False).encode())
    return corpus, expected
