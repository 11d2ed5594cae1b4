"""Bursts of calls as one `execute` request, each result mapped back to its call.

NOTES §4/§6: `execute` runs up to 25 API calls written in VKScript and costs one
request of the 20/s budget. A call that fails inside it yields `false` in the result
array and one entry in the top-level `execute_errors[]`, in the order the calls ran;
`messages.send` with `peer_ids` (and `messages.delete`) may also carry per-item
`error` objects inside a successful answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from adapters.errors import MessengerError, TransientError
from adapters.outbound import ApiCall
from adapters.vk_messenger.api import VkApi, encode_value
from adapters.vk_messenger.errors import error_from

__all__ = ["check_result", "execute_batch", "vkscript"]

log = logging.getLogger(__name__)

_NOT_BATCHABLE_CODES = frozenset((12, 13))
"""VKScript compile/runtime errors: one bad call spoils the batch, so each goes alone."""


def vkscript(calls: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """`return [API.messages.send({...}), ...];` with JSON literals as arguments."""
    parts = []
    for method, params in calls:
        args = {k: encode_value(v) for k, v in params.items() if v is not None}
        parts.append(f"API.{method}({json.dumps(args, ensure_ascii=False)})")
    return "return [" + ",".join(parts) + "];"


def check_result(method: str, value: Any) -> Any:
    """The value, or the error of a one-peer `messages.send` answered with a per-item error.

    Returning (not raising) lets the batch path put it in the result list as is.
    """
    if method == "messages.send" and isinstance(value, list) and len(value) == 1:
        item = value[0]
        if isinstance(item, dict) and item.get("error") is not None:
            return error_from(item["error"], method)
    return value


async def execute_batch(api: VkApi, calls: Sequence[ApiCall]) -> list[Any]:
    """The `BatchSender` for the outbound queue: one result or error per call, in order."""
    code = vkscript([(c.method, c.params) for c in calls])
    try:
        body = await api.request_body("execute", {"code": code})
    except MessengerError as exc:
        if exc.code in _NOT_BATCHABLE_CODES:
            log.warning("execute failed with %s; resending its %d calls one by one", exc.code,
                        len(calls))  # fmt: skip
            for call in calls:
                call.batchable = False
            return [TransientError(str(exc), code=exc.code, method=c.method) for c in calls]
        raise
    results = body["response"]
    if not isinstance(results, list) or len(results) != len(calls):
        # Some calls may have gone through: fail without retry rather than double them.
        error = MessengerError("execute answered with a result of the wrong shape")
        return [error] * len(calls)
    errors = list(body.get("execute_errors") or [])
    out: list[Any] = []
    for call, value in zip(calls, results, strict=True):
        if value is False:
            out.append(_take_error(errors, call.method))
        else:
            out.append(check_result(call.method, value))
    return out


def _take_error(errors: list[Any], method: str) -> MessengerError:
    """The next `execute_errors` entry, preferring one that names this call's method."""
    for i, entry in enumerate(errors):
        if isinstance(entry, Mapping) and entry.get("method") == method:
            return error_from(errors.pop(i), method)
    if errors:
        return error_from(errors.pop(0), method)
    return MessengerError("the call failed inside execute without a reported error", method=method)
