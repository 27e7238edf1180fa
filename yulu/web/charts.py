"""Charts as server-rendered SVG: no JavaScript, readable at 390 px, crisp when printed."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 360, 180
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 36, 12, 28, 30


def _frame(title: str, body: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _axes(labels: Sequence[str], top: str) -> list[str]:
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    base = HEIGHT - PAD_BOTTOM
    parts = [
        f'<line class="axis" x1="{PAD_LEFT}" y1="{base}" x2="{WIDTH - PAD_RIGHT}" y2="{base}"/>',
        f'<text class="tick" x="{PAD_LEFT - 4}" y="{PAD_TOP + 4}" text-anchor="end">'
        f"{escape(top)}</text>",
        f'<text class="tick" x="{PAD_LEFT - 4}" y="{base}" text-anchor="end">0</text>',
    ]
    step = plot_w / max(len(labels), 1)
    for i, label in enumerate(labels):
        x = PAD_LEFT + step * (i + 0.5)
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    return parts


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    empty: str = "",
) -> str:
    """Lines of shares (0..1) over months; a missing value leaves a gap; `empty` says so when
    there is nothing to draw at all."""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(len(labels), 1)
    parts = _axes(labels, "100%")
    for index, (name, values) in enumerate(series):
        points = [
            (PAD_LEFT + step * (i + 0.5), PAD_TOP + plot_h * (1 - v))
            for i, v in enumerate(values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline class="line s{index}" points="{path}"/>')
        parts += [
            f'<circle class="dot s{index}" cx="{x:.1f}" cy="{y:.1f}" r="3"/>' for x, y in points
        ]
        parts.append(
            f'<text class="legend s{index}" x="{PAD_LEFT + 4 + index * 90}" y="12">'
            f"● {escape(name)}</text>"
        )
    if empty and all(v is None for _, values in series for v in values):
        parts.append(
            f'<text class="empty" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
            f"{escape(empty)}</text>"
        )
    return _frame(title, "".join(parts))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int]) -> str:
    """Bars of counts over months, each labelled with its value."""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    top = max(max(values, default=0), 1)
    step = plot_w / max(len(labels), 1)
    parts = _axes(labels, str(top))
    for i, value in enumerate(values):
        height = plot_h * value / top
        x = PAD_LEFT + step * i + step * 0.2
        y = HEIGHT - PAD_BOTTOM - height
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.6:.1f}" '
            f'height="{height:.1f}"/>'
        )
        if value:
            parts.append(
                f'<text class="value" x="{x + step * 0.3:.1f}" y="{y - 3:.1f}" '
                f'text-anchor="middle">{value}</text>'
            )
    return _frame(title, "".join(parts))
