"""A seeded, structure-aware mutator: odd command texts and broken update shapes.

Everything is drawn from one `random.Random(seed)`, so a failure names a seed and an
input index that reproduce it exactly. Mutations are those a messenger, a proxy or a
person can produce: dropped and renamed keys, a value of another JSON type, ids out
of range or negative, deep nesting, truncated and look-alike text.
"""

from __future__ import annotations

import copy
import random
import re
from typing import Any

from tests.fuzz.seeds import COLLEAGUE, STUDENTS, TEACHER, Seeds, stamp

COMMANDS = (
    "пред", "warn", "преды", "warns", "снять", "unwarn", "блок", "block", "разблок",
    "unblock", "удалить", "del", "delete", "дело", "case", "исключить", "kick", "remove",
    "правила", "rules", "помощь", "help", "пинг", "ping", "мой_статус", "извиниться",
    "объявление", "announce", "выбыл", "depart",
)  # fmt: skip
JUNK_COMMANDS = ("", "/", "несуществует", "ПРЕД", "Пред", "пр ед", "пред\u200b", "рred", "варн")
RULES = ("мат", "оск", "закон", "пд", "флуд", "мессенджер", "аккаунт", "obscene", "1", "7",
         "8", "0", "-1", "1.1", "3,5", "п.1", "МАТ", "мaт", "xyz", "ﾒ")  # fmt: skip
NUMBERS = ("0", "1", "3", "7", "30", "31", "32", "999999", "1000000", "-1", "1.1", "7д",
           "7 дней", "3d", "10" * 20, str(2**63), str(2**64), "١٢", "²", "0x10", "1e3",
           "#12", "№3", "#-1", "#" + "9" * 30, "NaN", "inf")  # fmt: skip
ODD_CHARS = ("\u200b", "\u200d", "\ufeff", "\u202e", "\u202d", "\u0301", "\u00a0", "\u3000",
             "\t", "\n", "\r\n", "\x00", "\ud7ff", "🙂", "👨‍👩‍👧", "ё", "Ё", "а", "a", "ℌ",
             "\U0010ffff", "\x7f", "[", "]", "|", "@", "/", ";", "#", "%s", "{}",
             "{0}")  # fmt: skip
TEXTS = ("спасибо", "домашка на завтра?", "блин", "ок", "", " ", "[club42|@etiket]", "@all",
         "правила", "завтра в 8:30 у кабинета 12", "Ёлки, забыл тетрадь", "👍",
         "a" * 500)  # fmt: skip
VIOLATIONS = ("ты дурак", "хуй", "пиши в телеге", "мой номер +7 912 345-67-89", "https://t.me/x",
              "паспорт 4510 123456", "8(912)3456789", "х\u200bу\u200bй", "xуй")  # fmt: skip
"""Texts the detectors flag: each costs a decision (tens of milliseconds), so they are
a small share of the talk (`Mutator.violations`); the detectors have tests of their own."""
ODD_VALUES: tuple[Any, ...] = (
    None, True, False, 0, -1, 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1,
    10**30, 10**400, 1.5, -0.0, 1e308, float("nan"), float("inf"), float("-inf"), "", " ",
    "0", "-1", "123", "١٢٣", "²", "--5", "1e9", "null", "\u200b", "💥" * 3, "x" * 300, [],
    {}, [1], {"a": 1}, [None], {"": None}, {"cmd": None},
)  # fmt: skip
KEYS = ("type", "object", "message", "peer_id", "from_id", "text", "payload", "action",
        "member_id", "update_type", "timestamp", "body", "mid", "recipient", "chat_id",
        "sender", "user_id", "callback", "user", "cmd", "c", "u", "d", "r", "n", "a", "f",
        "w", "b", "id", "p", "link", "markup", "reply_message", "group_id")  # fmt: skip


_TYPES = (("type", "message_new"), ("type", "message_event"), ("type", "message_edit"),
          ("update_type", "message_created"), ("update_type", "message_callback"),
          ("update_type", "user_added"), ("update_type", "bot_removed"))  # fmt: skip
_INT = re.compile(r"-?[0-9]{1,30}", re.ASCII)


class Mutator:
    def __init__(
        self, seed: int, *, commands: float = 0.7, violations: float = 0.1, serial: int = 0
    ) -> None:
        self.rng = random.Random(seed)
        self.serial = serial
        """The last delivery number given out (`stamp`); streams of one bot must not share."""
        self.commands = commands
        """The share of message texts that are commands (the rest: chat talk)."""
        self.violations = violations
        """The share of chat talk the detectors flag."""

    # -- texts ------------------------------------------------------------------

    def target(self) -> str:
        r, uid = self.rng, self.rng.choice((*STUDENTS, TEACHER, COLLEAGUE, 1, 2**63, 0))
        return r.choice((f"[id{uid}|Имя]", f"@id{uid}", f"id{uid}", f"vk.com/id{uid}",
                         str(uid), f"[id{uid}|]", f"[id{uid}|{'я' * 300}]", "@всем",
                         f"https://vk.com/id{uid}", f"[club{uid}|bot]", f"*id{uid}",
                         f"max://user/{uid}", f"@user{uid}"))  # fmt: skip

    def token(self) -> str:
        r = self.rng
        pick = r.random()
        if pick < 0.3:
            return self.target()
        if pick < 0.5:
            return r.choice(NUMBERS)
        if pick < 0.7:
            return r.choice(RULES)
        if pick < 0.85:
            return self._talk()
        return "".join(r.choice(ODD_CHARS) for _ in range(r.randint(1, 6)))

    def command(self) -> str:
        """A command the way a person types it, right or wrong."""
        r = self.rng
        name = r.choice(COMMANDS) if r.random() < 0.9 else r.choice(JUNK_COMMANDS)
        if r.random() < 0.2:
            name = "".join(c.upper() if r.random() < 0.5 else c for c in name)
        head = "/" + name
        if r.random() < 0.1:
            head += r.choice(("@etiket_bot", "@", "@other"))
        if r.random() < 0.1:
            head = r.choice(("[club42|@etiket] ", "[club42|@etiket], ", "[public1|x]")) + head
        if name in ("объявление", "announce") and r.random() < 0.7:
            parts = [r.choice(("*", "@staff", "#5", "*-родители", "", "@@", "#" + "1" * 40)),
                     r.choice(("2026-12-01 18:00", "пн,чт 08:00", "вчера", "2026-13-45 25:61",
                               "9999-01-01 00:00", "", "пн 8", "0000-00-00")),
                     " ".join(self.token() for _ in range(r.randint(0, 3)))]  # fmt: skip
            return f"{head} {'; '.join(parts)}"
        sep = r.choice((" ", " ", "\n", "  ", "\u00a0", "\t"))
        args = sep.join(self.token() for _ in range(r.choice((0, 1, 2, 3, 3, 4, 6))))
        return f"{head}{sep}{args}" if args else head

    def text(self) -> str:
        """Mostly commands; sometimes plain chat text; rarely a 100 kB message."""
        r = self.rng
        roll = r.random()
        if roll < 0.002:
            return r.choice(("/пред ", "мат ", "ё\u200b", "ы")) * 25_000  # 100 kB
        if roll < self.commands:
            text = self.command()
        else:
            text = self._talk()
            if r.random() < 0.3:  # ids and numbers in talk make detectors look twice
                text += " " + self.token()
        if r.random() < 0.1:
            text = self._cut(text)
        if r.random() < 0.1:
            at = r.randint(0, len(text))
            text = text[:at] + r.choice(ODD_CHARS) + text[at:]
        return text

    def _talk(self) -> str:
        return self.rng.choice(VIOLATIONS if self.rng.random() < self.violations else TEXTS)

    def _cut(self, text: str) -> str:
        return text[: self.rng.randint(0, len(text))]

    # -- structures -------------------------------------------------------------

    def update(self, seeds: Seeds, *, mutate: float, messages: float = 0.5) -> Any:
        """A seed (a message one with probability `messages`) with a fresh text and
        fresh ids; with probability `mutate`, 1 to 4 mutations of its structure."""
        r = self.rng
        self.serial += 1
        shapes = seeds.messages if r.random() < messages else seeds.others
        raw: Any = stamp(r.choice(shapes)(self.text()), self.serial)
        if r.random() < mutate:
            for _ in range(r.randint(1, 4)):
                raw = self.mutate(raw)
        return raw

    def random_update(self, depth: int = 0) -> Any:
        """No seed at all: a dict of known keys and odd values, sometimes with a known
        update type, so the parser gets past its first look."""
        r = self.rng
        if depth > 2 or r.random() < 0.3:
            return copy.deepcopy(r.choice(ODD_VALUES)) if r.random() < 0.7 else self.token()
        out = {r.choice(KEYS): self.random_update(depth + 1) for _ in range(r.randint(0, 5))}
        if depth == 0 and r.random() < 0.5:
            key, kind = r.choice(_TYPES)
            out[key] = kind
        return out

    def mutate(self, raw: Any) -> Any:
        r = self.rng
        if r.random() < 0.02:  # the whole update is of another type
            return copy.deepcopy(r.choice(ODD_VALUES))
        raw = copy.deepcopy(raw) if isinstance(raw, dict | list) else raw
        paths = list(_paths(raw))
        if not paths:
            return raw
        parent, key = r.choice(paths)
        op = r.random()
        if op < 0.15 and isinstance(parent, dict):
            del parent[key]
        elif op < 0.25 and isinstance(parent, dict):
            parent[r.choice(KEYS) if r.random() < 0.7 else str(key).upper()] = parent.pop(key)
        elif op < 0.6:
            parent[key] = copy.deepcopy(r.choice(ODD_VALUES))
        elif op < 0.75:
            parent[key] = self._near(parent[key])
        elif op < 0.8:
            parent[key] = _nest(parent[key], r.choice((2, 30, 150)), r.random() < 0.5)
        elif op < 0.9 and isinstance(parent, dict):
            parent[r.choice(KEYS)] = copy.deepcopy(r.choice(ODD_VALUES))
        else:
            parent[key] = self.text() if r.random() < 0.5 else self.token()
        return raw

    def _near(self, value: Any) -> Any:
        """A value of the same JSON type, changed the way real data goes wrong."""
        r = self.rng
        if type(value) is int:
            return r.choice((value + 1, value - 1, -value, value * 2**40, value + 2**63, 0))
        if isinstance(value, str):
            if _INT.fullmatch(value):
                return r.choice((str(-int(value)), value + "0" * 25, value + "x", f" {value}"))
            return self._cut(value) + r.choice(ODD_CHARS)
        if isinstance(value, list):
            return value * r.randint(0, 3)
        return value


def _paths(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) pair in a JSON-like value, breadth first, bounded."""
    found: list[tuple[Any, Any]] = []
    queue = [value] if isinstance(value, dict | list) else []
    while queue and len(found) < 200:
        node = queue.pop(0)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in list(items):
            found.append((node, key))
            if isinstance(child, dict | list):
                queue.append(child)
    return found


def _nest(value: Any, depth: int, as_list: bool) -> Any:
    for _ in range(depth):
        value = [value] if as_list else {"x": value}
    return value


def describe(raw: Any, limit: int = 2000) -> str:
    """An input for a failure message, cut so that a 100 kB text stays readable."""
    text = repr(raw)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


__all__ = ["COMMANDS", "Mutator", "describe"]
