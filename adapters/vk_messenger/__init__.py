"""VK Messenger for etiket: parsing, the community-token adapter, Long Poll and Callback API.

    adapter = VkAdapter(token, limiter=state)               # state: an EphemeralState
    source = VkLongPoll(adapter, cursors)                   # or VkCallback(confirmation=..)
    await source.run(intake.handle_batch)

Modules: `parse` (raw update → Event, the hot path), `api` (one HTTP request),
`errors` (VK codes → typed errors), `execute` (bursts as one `execute`), `keyboard`
(inline keyboards, text chunks), `adapter`, `longpoll`, `callback`.
"""

from adapters.vk_messenger.adapter import CAPABILITIES, VkAdapter, VkMember
from adapters.vk_messenger.api import DEFAULT_API_URL, VkApi
from adapters.vk_messenger.callback import VkCallback, callback_app
from adapters.vk_messenger.errors import VK_ERRORS, error_from, vk_error
from adapters.vk_messenger.execute import execute_batch, vkscript
from adapters.vk_messenger.keyboard import keyboard_json, split_text
from adapters.vk_messenger.longpoll import VkLongPoll
from adapters.vk_messenger.parse import CHAT_PEER_BASE, mentions_in, parse_update

__all__ = [
    "CAPABILITIES",
    "CHAT_PEER_BASE",
    "DEFAULT_API_URL",
    "VK_ERRORS",
    "VkAdapter",
    "VkApi",
    "VkCallback",
    "VkLongPoll",
    "VkMember",
    "callback_app",
    "error_from",
    "execute_batch",
    "keyboard_json",
    "mentions_in",
    "parse_update",
    "split_text",
    "vk_error",
    "vkscript",
]
