"""`etiket detect`: run the detectors on lines of standard input, one JSON line out each.

How moderators test a phrase and how bench/detect_quality.py measures quality
(it calls `detect_line`, the same function, without a subprocess). A malformed
JSON line answers `{"error": ...}` and the stream goes on: one bad line must not
lose the rest of a batch.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from bot.moderation.detectors import detect as run_detectors

__all__ = ["detect", "detect_line", "detect_text"]


def detect_text(text: str) -> dict[str, Any]:
    """The output object for one text."""
    return {"findings": [f.as_dict() for f in run_detectors(text)]}


def detect_line(line: str, jsonl: bool) -> dict[str, Any]:
    """The output object for one input line (plain text, or `{"text": ...}` with jsonl)."""
    line = line.rstrip("\r\n")
    if not jsonl:
        return detect_text(line)
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"malformed JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return {"error": 'expected an object with a string "text"'}
    return detect_text(item["text"])


@click.command("detect")
@click.option("--jsonl", is_flag=True, help='Read JSON lines {"text": ...} instead of plain lines.')
def detect(jsonl: bool) -> None:
    """Run the violation detectors on each line of standard input."""
    for raw in sys.stdin.buffer:  # bytes: an undecodable line must not stop the stream
        line = raw.decode("utf-8", errors="replace")
        if jsonl and not line.strip():
            continue
        click.echo(json.dumps(detect_line(line, jsonl), ensure_ascii=False))
