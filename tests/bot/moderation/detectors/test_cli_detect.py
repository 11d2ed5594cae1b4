"""`etiket detect`: one JSON line out per line in; a bad JSON line is an error line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli.detect import detect, detect_line


def _run(stdin: str, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(detect, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_plain_lines() -> None:
    out = _run("пишите в телегу\nпривет\n")
    assert out[1] == {"findings": []}
    assert out[0]["findings"] == [
        {
            "rule": "foreign_messenger",
            "detector": "foreign_messenger",
            "confidence": 0.85,
            "span": [0, 15],
        }
    ]


def test_jsonl_with_a_malformed_line_goes_on() -> None:
    out = _run('{"text": "х у й"}\n{bad\n[1]\n{"text": "ок"}\n', "--jsonl")
    assert len(out) == 4
    assert out[0]["findings"][0]["rule"] == "obscene"  # type: ignore[index]
    assert "error" in out[1] and "error" in out[2]
    assert out[3] == {"findings": []}


def test_detect_line_strips_newline_only() -> None:
    assert detect_line("  \n", jsonl=False) == {"findings": []}
    assert detect_line('{"text": 5}', jsonl=True) == {
        "error": 'expected an object with a string "text"'
    }
