"""The VK front of the emulator: VK ids, `/method/*`, Bots Long Poll, Callback API."""

from __future__ import annotations

from adapters.emulator.vk.front import VkFront
from adapters.emulator.vk.ids import CHAT_BASE

__all__ = ["CHAT_BASE", "VkFront"]
