"""Throughput of all detectors together on one core, and the time for a 100 kB message.

The corpus is synthetic typical chat (greetings, homework questions, numbers,
the odd link, rude word and phone number), generated here with a fixed seed.
The last line is `{"messages_per_s": x, "ms_100kb": y}`; the bar is at least
20,000 messages/s and under 50 ms for 100 kB.

    python bench/detect_speed.py [--messages N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.moderation.detectors import detect

WORDS = (
    "привет всем когда завтра контрольная домашка по математике кто знает расписание урок "
    "отменили спасибо ок да нет учитель сказал принести тетрадь экскурсия в пятницу "
    "родительское собрание напоминаю сдать деньги на подарок классному руководителю "
    "Мария Ивановна просила прислать фото задание номер страница параграф hello ok "
    "see you tomorrow а можно сдать позже 😀 👍 класс хорошо понял спасибо большое"
).split()
EXTRAS = [
    "стр. 42 упр. 7",
    "в 15:30",
    "кабинет 214",
    "https://school.ru/news",
    "@ivanov посмотри",
    "блин",
    "ну ты даешь",
    "ДОБРОЕ УТРО",
    "8 916 123-45-67",
    "пишите в личку",
    "3,5 тыс.",
]
SEED = 20240917


def corpus(n: int, seed: int = SEED) -> list[str]:
    """`n` messages of 2 to 14 words, one in five with a number, link, caps or phone."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = rng.choices(WORDS, k=rng.randint(2, 14))
        if rng.random() < 0.2:
            words.insert(rng.randint(0, len(words)), rng.choice(EXTRAS))
        text = " ".join(words)
        out.append(text[:1].upper() + text[1:])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    messages = corpus(args.messages)
    for text in messages[:1000]:  # warm the caches
        detect(text)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in messages:
            detect(text)
        best = min(best, time.perf_counter() - start)
    rate = len(messages) / best
    big = " ".join(corpus(20_000, seed=SEED + 1))
    big = (big * (100_000 // len(big) + 1))[:100_000]
    times = []
    for _ in range(7):
        start = time.perf_counter()
        detect(big)
        times.append((time.perf_counter() - start) * 1000)
    median_ms = statistics.median(times)
    print(
        f"{len(messages)} messages, best of 3: {rate:,.0f} messages/s; "
        f"100 kB: median {median_ms:.1f} ms, worst {max(times):.1f} ms of 7"
    )
    print(json.dumps({"messages_per_s": round(rate), "ms_100kb": round(median_ms, 2)}))


if __name__ == "__main__":
    main()
