"""Transport faults every front applies the same way: 500, hold-then-drop, drop."""

from __future__ import annotations

import asyncio

from aiohttp import web

from adapters.emulator.faults import TRANSPORT_KINDS, Fault, FaultBook

__all__ = ["transport_fault"]


async def transport_fault(
    request: web.Request, faults: FaultBook, method: str
) -> tuple[Fault, web.StreamResponse] | None:
    """If a transport fault fires for `method`, act it out and return the response to send.

    A dropped connection aborts the socket so the client sees a disconnect, never a
    status; a timeout first holds the request for `hold` seconds (longer than the
    client waits), then drops it the same way.
    """
    fault = faults.draw(TRANSPORT_KINDS, method)
    if fault is None:
        return None
    if fault.kind == "http_500":
        return fault, web.Response(status=500, text="Internal Server Error")
    if fault.kind == "timeout":
        await asyncio.sleep(fault.hold)
    if request.transport is not None:
        request.transport.abort()
    return fault, web.Response(status=500)
