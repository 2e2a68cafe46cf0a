"""Bar charts drawn on the server as SVG geometry, so pages need neither JavaScript nor inline styles.

SVG presentation attributes (``width``, ``x``) are not inline styles, so these
charts pass a strict ``default-src 'self'`` Content-Security-Policy. Each chart's
numbers also come from a JSON endpoint (``data_url``) for a review's own site.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    secondary: int  # drawn inside the bar (e.g. the deep-learning share of the studies)
    y: float
    width: float
    secondary_width: float


@dataclass(frozen=True)
class BarChart:
    title: str
    data_url: str
    bars: list[Bar]
    label_width: float
    plot_width: float
    bar_height: float
    height: float
    value_name: str
    secondary_name: str


def bar_chart(title: str, data_url: str, rows: list[tuple[str, int, int]], *, value_name: str,
              secondary_name: str, label_width: float = 230, plot_width: float = 320,
              bar_height: float = 18, gap: float = 6) -> BarChart:
    """Horizontal bars scaled to the largest value: ``rows`` are (label, value, secondary value)."""
    peak = max((value for _label, value, _secondary in rows), default=0) or 1
    bars = [Bar(label=label, value=value, secondary=secondary, y=index * (bar_height + gap),
                width=round(plot_width * value / peak, 1), secondary_width=round(plot_width * secondary / peak, 1))
            for index, (label, value, secondary) in enumerate(rows)]
    return BarChart(title=title, data_url=data_url, bars=bars, label_width=label_width, plot_width=plot_width,
                    bar_height=bar_height, height=max(len(rows), 1) * (bar_height + gap),
                    value_name=value_name, secondary_name=secondary_name)
