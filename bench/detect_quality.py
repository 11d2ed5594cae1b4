"""Quality of the detectors against the labelled toxicity samples in ../shared/data.

Runs the function `etiket detect` uses (`bot.cli.detect.detect_text`) on each
row and prints, per file, precision and recall against the label of: any
finding, the obscene detector alone, and the auto-warning set (obscene,
personal data, foreign messengers, at or above AUTO_WARN_MIN_CONFIDENCE). The
last line is one JSON object with every figure. The files are for evaluation
only: nothing from them is copied.

Labels are noisy (clean-labelled rows still hold mat), so `--show-fp` prints the
auto-warning findings on clean-labelled rows for a person to judge.

    python bench/detect_quality.py [--data DIR] [--show-fp]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cli.detect import detect_text
from bot.moderation.detectors import AUTO_WARN_MIN_CONFIDENCE, AUTO_WARN_RULES

FILES = ("toxic_ru_dev.csv", "toxic_ru_vk_distorted_dev.csv")
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data"


def _auto(item: dict[str, Any]) -> bool:
    """Mirrors `auto_warns` on the CLI's output shape."""
    return item["rule"] in AUTO_WARN_RULES and item["confidence"] >= AUTO_WARN_MIN_CONFIDENCE


def _any(findings: list[dict[str, Any]]) -> bool:
    return bool(findings)


def _obscene(findings: list[dict[str, Any]]) -> bool:
    return any(f["rule"] == "obscene" for f in findings)


def _auto_warn(findings: list[dict[str, Any]]) -> bool:
    return any(_auto(f) for f in findings)


GROUPS: dict[str, Callable[[list[dict[str, Any]]], bool]] = {
    "any": _any,
    "obscene": _obscene,
    "auto_warn": _auto_warn,
}


def _score(pairs: list[tuple[bool, bool]]) -> dict[str, Any]:
    tp = sum(1 for pred, label in pairs if pred and label)
    fp = sum(1 for pred, label in pairs if pred and not label)
    fn = sum(1 for pred, label in pairs if not pred and label)
    return {
        "tp": tp, "fp": fp, "fn": fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
    }  # fmt: skip


def evaluate(path: Path, show_fp: bool) -> dict[str, Any]:
    """Scores for one CSV file (`text`, `label` columns)."""
    results: dict[str, list[tuple[bool, bool]]] = {name: [] for name in GROUPS}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text, label = row["text"], float(row["label"] or 0) >= 0.5
            findings = detect_text(text)["findings"]
            for name, predicate in GROUPS.items():
                results[name].append((predicate(findings), label))
            if show_fp and not label:
                for item in findings:
                    if _auto(item):
                        a, b = item["span"]
                        context = text[max(0, a - 40) : b + 40].replace("\n", " ")
                        print(f"FP? {item['rule']:18} {text[a:b]!r:30} | {context}")
    return {name: _score(pairs) for name, pairs in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show-fp", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    for name in FILES:
        scores = evaluate(args.data / name, args.show_fp)
        report[name] = scores
        print(name)
        for group, s in scores.items():
            print(f"  {group:10} precision {s['precision']}  recall {s['recall']}  "
                  f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")  # fmt: skip
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
