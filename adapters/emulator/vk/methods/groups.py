"""groups.* and users.get: who the bot is and who the people are."""

from __future__ import annotations

from typing import Any

from adapters.emulator.vk.errors import VkApiError
from adapters.emulator.vk.methods.context import Call
from adapters.emulator.vk.shapes import deleted_user, group_object, user_object

__all__ = ["get_by_id", "get_long_poll_server", "set_long_poll_settings", "users_get"]


def get_by_id(call: Call) -> dict[str, Any]:
    """The 5.199 shape `{groups, profiles}` (NOTES §4); a group token sees its own group."""
    p = call.params
    gid = call.ids.group_id
    wanted = p.get("group_ids") or ([p["group_id"]] if "group_id" in p else [gid])
    if any(g not in (gid, f"club{gid}", str(gid)) for g in wanted):
        raise VkApiError(100, "group_ids is invalid")
    return {"groups": [group_object(gid, call.group_name)], "profiles": []}


def get_long_poll_server(call: Call) -> dict[str, str]:
    if call.params["group_id"] != call.ids.group_id:
        raise VkApiError(15, "no access to this group")
    key, ts = call.longpoll.issue()
    return {"server": f"{call.base_url}/bots_lp/{call.ids.group_id}", "key": key, "ts": ts}


def set_long_poll_settings(call: Call) -> int:
    """Accepted and logged; every event type is always on in the emulator."""
    if call.params["group_id"] != call.ids.group_id:
        raise VkApiError(15, "no access to this group")
    return 1


def users_get(call: Call) -> list[dict[str, Any]]:
    """Unknown ids come back as deleted profiles, as VK shows them."""
    p = call.params
    fields = frozenset(p.get("fields", []))
    out = []
    for ref in p.get("user_ids", []):
        user_id = ref if isinstance(ref, int) else _screen_name(ref)
        if user_id is None:
            continue
        user = call.world.users.get(user_id)
        out.append(user_object(user, fields) if user else deleted_user(user_id))
    return out


def _screen_name(ref: str) -> int | None:
    return int(ref[2:]) if ref.startswith("id") and ref[2:].isdigit() else None
