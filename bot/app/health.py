"""What the running bot says about itself on `/healthz`.

Single-process mode: whether Redis is in use or the bot fell back to in-process
state (issue [11/11], degradation: "says so in its logs and in /healthz"). Worker
mode: this worker's partitions, whether its intake is paused, whether it runs the
scheduler, and how many events wait in the streams.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from storage.state import FallbackState, RedisState

if TYPE_CHECKING:
    from bot.app import App

__all__ = ["health_report"]


def health_report(app: App) -> Callable[[], Awaitable[dict[str, Any]]]:
    async def report() -> dict[str, Any]:
        out: dict[str, Any] = {"role": app.role}
        state = app.state
        if isinstance(state, FallbackState):
            await state.ping()
            if state.degraded:
                out["redis"] = f"unavailable, using in-process state ({state.reason})"
                out["degraded"] = True
            else:
                out["redis"] = "ok"
        elif isinstance(state, RedisState):
            ok = await state.ping()
            out["redis"] = "ok" if ok else "unavailable"
            if not ok:
                out["degraded"] = True
        else:
            out["redis"] = "not configured (in-process state)"
        if app.scale is not None:
            worker = app.scale.worker
            out["worker"] = worker.name
            out["partitions"] = sorted(worker.owned)
            out["intake"] = "paused" if worker.paused else "running"
            out["degraded"] = out.get("degraded", False) or worker.paused
            out["scheduler"] = app.leadership is not None and app.leadership.is_leader
            try:
                out["backlog"] = await app.scale.streams.backlog()
            except Exception as exc:
                out["backlog"] = f"unknown ({type(exc).__name__})"
        return out

    return report
