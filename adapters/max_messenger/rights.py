"""Which admin rights the bot needs in a MAX chat, and the request to grant them.

Without `read_all_messages` a bot in a group receives nothing but bot_added and
bot_removed (NOTES §0, §7 Go #164), so a bot added without rights is deaf: it must
say so in the chat as soon as it is added. Rights are free strings because the
server also sends legacy aliases (NOTES §5, SOURCE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["REQUIRED_RIGHTS", "missing_rights", "rights_request_text"]

# Each needed right with the names the server may report it under (NOTES §5).
REQUIRED_RIGHTS: Mapping[str, frozenset[str]] = {
    "read_all_messages": frozenset({"read_all_messages"}),
    # In groups `write` is the right to delete others' messages; legacy alias below.
    "write": frozenset({"write", "post_edit_delete_message", "delete_message"}),
    "add_remove_members": frozenset({"add_remove_members"}),
    "pin_message": frozenset({"pin_message"}),
}

_TITLES = {
    "ru": {
        "read_all_messages": "читать все сообщения",
        "write": "удалять сообщения",
        "add_remove_members": "добавлять и удалять участников",
        "pin_message": "закреплять сообщения",
    },
    "en": {
        "read_all_messages": "read all messages",
        "write": "delete messages",
        "add_remove_members": "add and remove members",
        "pin_message": "pin messages",
    },
}

_HEAD = {
    "ru": (
        "Чтобы следить за соблюдением правил чата, мне нужны права администратора. "
        "Пожалуйста, назначьте меня администратором и включите права:"
    ),
    "en": "To keep this chat's rules I need to be an admin. Please make me one with these rights:",
}
_HEAD_ADMIN = {
    "ru": "Мне не хватает прав администратора. Пожалуйста, включите:",
    "en": "Some of my admin rights are missing. Please turn on:",
}
_TAIL = {
    "ru": "Пока права не выданы, я не вижу сообщений чата и не могу модерировать.",
    "en": "Until then I cannot see the chat's messages or moderate it.",
}


def missing_rights(
    is_admin: bool,
    permissions: Iterable[str] | None,
    required: Iterable[str] = tuple(REQUIRED_RIGHTS),
) -> list[str]:
    """The required rights (canonical names, in `required` order) the bot lacks."""
    have = set(permissions or ()) if is_admin else set()
    return [r for r in required if not have & REQUIRED_RIGHTS.get(r, frozenset({r}))]


def rights_request_text(missing: Iterable[str], *, is_admin: bool, language: str = "ru") -> str:
    """The message asking the chat's owner to grant `missing`; Russian by default."""
    lang = language if language in _TITLES else "ru"
    lines = [(_HEAD_ADMIN if is_admin else _HEAD)[lang]]
    lines += [f"• {_TITLES[lang].get(r, r)}" for r in missing]
    if not is_admin or "read_all_messages" in missing:
        lines.append(_TAIL[lang])
    return "\n".join(lines)
