"""A small metrics registry the bot feeds and `/metrics` renders (Prometheus text 0.0.4).

Hand-rolled instead of `prometheus_client` because the bot needs three shapes only
(counters, gauges, histograms with labels) and one output format; this keeps the
registry per application, so tests never share global state.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable

__all__ = ["DEFAULT_BUCKETS", "MetricsRegistry"]

DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
Labels = tuple[tuple[str, str], ...]


def _labels(labels: dict[str, str] | None) -> Labels:
    return tuple(sorted((labels or {}).items()))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _render(labels: Labels, extra: Labels = ()) -> str:
    pairs = labels + extra
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if value != int(value) else str(int(value))


class MetricsRegistry:
    """Counters, gauges and histograms by name and labels.

    The bot calls e.g. `inc("etiket_events_total", platform="vk")`,
    `set("etiket_queue_depth", 3)`, `observe("etiket_api_latency_seconds", 0.12,
    platform="max")`; names are declared on first use with an optional help text.
    """

    def __init__(self, buckets: Iterable[float] = DEFAULT_BUCKETS) -> None:
        self.buckets = tuple(sorted(buckets))
        self._help: dict[str, str] = {}
        self._kind: dict[str, str] = {}
        self._values: dict[str, dict[Labels, float]] = {}
        self._hist: dict[str, dict[Labels, tuple[list[int], float, int]]] = {}

    def describe(self, name: str, help_text: str) -> None:
        self._help[name] = help_text

    def _declare(self, name: str, kind: str) -> None:
        known = self._kind.setdefault(name, kind)
        if known != kind:
            raise ValueError(f"metric {name!r} is a {known}, not a {kind}")

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        self._declare(name, "counter")
        series = self._values.setdefault(name, {})
        key = _labels(labels)
        series[key] = series.get(key, 0.0) + amount

    def set(self, name: str, value: float, **labels: str) -> None:
        self._declare(name, "gauge")
        self._values.setdefault(name, {})[_labels(labels)] = value

    def observe(self, name: str, value: float, **labels: str) -> None:
        self._declare(name, "histogram")
        series = self._hist.setdefault(name, {})
        counts, total, n = series.get(_labels(labels), ([0] * len(self.buckets), 0.0, 0))
        index = bisect.bisect_left(self.buckets, value)
        if index < len(counts):
            counts[index] += 1
        series[_labels(labels)] = (counts, total + value, n + 1)

    def render(self) -> str:
        """The exposition text, metrics sorted by name."""
        lines: list[str] = []
        for name in sorted(self._kind):
            kind = self._kind[name]
            if name in self._help:
                lines.append(f"# HELP {name} {_escape(self._help[name])}")
            lines.append(f"# TYPE {name} {kind}")
            if kind == "histogram":
                lines.extend(self._render_histogram(name))
                continue
            for labels, value in sorted(self._values.get(name, {}).items()):
                lines.append(f"{name}{_render(labels)} {_number(value)}")
        return "\n".join(lines) + "\n"

    def _render_histogram(self, name: str) -> Iterable[str]:
        for labels, (counts, total, n) in sorted(self._hist.get(name, {}).items()):
            running = 0
            for bound, count in zip(self.buckets, counts, strict=True):
                running += count
                le = (("le", _number(bound)),)
                yield f"{name}_bucket{_render(labels, le)} {running}"
            yield f"{name}_bucket{_render(labels, (('le', '+Inf'),))} {n}"
            yield f"{name}_sum{_render(labels)} {_number(total)}"
            yield f"{name}_count{_render(labels)} {n}"
