"""The MAX front of the emulator: the MAX Bot API (NOTES: shared/reference/max) over the world.

Group chats are negative ids (`-70000000001` is chat 1), dialogs positive, users
as in the world, the bot `229229229`; messages are `mid.…` strings. The bot
authenticates with the raw token in `Authorization`.
"""

from __future__ import annotations

from adapters.emulator.max.front import MaxFront

__all__ = ["MaxFront"]
