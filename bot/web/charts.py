"""Small bar and line charts drawn as SVG on the server.

No chart library and nothing fetched at run time: the page works offline and needs
no script. Every label passes through `escape`, since chat titles come from chats.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bar_chart", "line_chart"]

WIDTH, HEIGHT, PAD = 640, 220, 36


def _frame(title: str, labels: Sequence[str], top: float, body: str) -> Markup:
    step = (WIDTH - 2 * PAD) / max(len(labels), 1)
    ticks = "".join(
        f'<text x="{PAD + step * (i + 0.5):.1f}" y="{HEIGHT - 8}" font-size="10" '
        f'text-anchor="middle">{escape(label)}</text>'
        for i, label in enumerate(labels)
    )
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="#888"/><text x="4" y="{PAD - 6}" font-size="10">{top:g}</text>'
        f"{body}{ticks}</svg>"
    )


def _scale(values: Sequence[float]) -> float:
    return max([*values, 1.0])


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> Markup:
    top = _scale(values)
    step = (WIDTH - 2 * PAD) / max(len(values), 1)
    span = HEIGHT - 2 * PAD
    bars = "".join(
        f'<rect x="{PAD + step * i + step * 0.15:.1f}" y="{HEIGHT - PAD - span * v / top:.1f}" '
        f'width="{step * 0.7:.1f}" height="{span * v / top:.1f}" fill="#3b6ea5">'
        f"<title>{escape(label)}: {v:g}</title></rect>"
        for i, (label, v) in enumerate(zip(labels, values, strict=True))
    )
    return _frame(title, labels, top, bars)


def line_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> Markup:
    top = _scale(values)
    step = (WIDTH - 2 * PAD) / max(len(values), 1)
    span = HEIGHT - 2 * PAD
    points = " ".join(
        f"{PAD + step * (i + 0.5):.1f},{HEIGHT - PAD - span * v / top:.1f}"
        for i, v in enumerate(values)
    )
    line = f'<polyline points="{points}" fill="none" stroke="#a53b3b" stroke-width="2"/>'
    return _frame(title, labels, top, line)
