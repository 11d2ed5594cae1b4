"""VK's per-token request limit (NOTES §7): 20 per second for a community token.

The sliding window itself is shared with the MAX front and lives in the core.
"""

from __future__ import annotations

from adapters.emulator.ratelimit import SlidingWindow

__all__ = ["SlidingWindow"]
