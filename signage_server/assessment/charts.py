"""Bar charts for paper and pages: inline SVG written here (no JavaScript, no library). Pure.

A chart is a list of bars (label, score 0-100 or none); it is drawn horizontally, one bar a
row, the label on the left, the score at the end of the bar, a scale 0 / 60 / 100 under it.
Sizes are in the SVG's own units (1 unit ≈ 0.25 mm on A4 at the width paper.css gives it),
so that the type stays legible when printed (labels 11 units ≈ 9.5 pt).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup
from markupsafe import escape

from signage_server.paper.layout import ems

WIDTH = 680
ROW = 30
BAR = 18
FONT = 13
TOP = 8
BOTTOM = 24
#: Colours: a score 80 and above, 60-80, below 60, no score.
GOOD = "#2e7d32"
FAIR = "#c28a00"
POOR = "#c00000"
NONE = "#999999"


@dataclass(frozen=True)
class Bar:
    label: str
    score: float | None
    #: Drawn bold (e.g. the organisation itself in a ranking).
    strong: bool = False


def colour(score: float | None) -> str:
    if score is None:
        return NONE
    if score >= 80:
        return GOOD
    if score >= 60:
        return FAIR
    return POOR


def label_width(bars: Sequence[Bar]) -> int:
    """The room for the labels: the widest label, at least a fifth of the chart, at most
    two fifths (longer labels are cut with an ellipsis)."""
    widest = max((ems(b.label) for b in bars), default=4.0)
    return int(min(max(widest * FONT + 12, WIDTH * 0.2), WIDTH * 0.42))


def _fit(label: str, room: int) -> str:
    if ems(label) * FONT + 12 <= room:
        return label
    cut = label
    while cut and ems(cut + "…") * FONT + 12 > room:
        cut = cut[:-1]
    return cut + "…"


def bar_chart(bars: Sequence[Bar], *, title: str, none_text: str = "—") -> Markup:
    """Return a horizontal bar chart of ``bars`` (scores 0-100) as an ``<svg>`` element."""
    left = label_width(bars)
    right = 56
    span = WIDTH - left - right
    height = TOP + ROW * max(len(bars), 1) + BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" font-family="Noto Sans CJK SC, sans-serif" font-size="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    bottom = TOP + ROW * max(len(bars), 1)
    for mark in (0, 60, 100):
        x = left + span * mark / 100
        dash = ' stroke-dasharray="3,3"' if mark == 60 else ""
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP - 2}" x2="{x:.1f}" y2="{bottom}" stroke="#888"'
            f' stroke-width="0.8"{dash}/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#333">{mark}</text>'
        )
    for index, bar in enumerate(bars):
        y = TOP + ROW * index + (ROW - BAR) / 2
        weight = ' font-weight="bold"' if bar.strong else ""
        out.append(
            f'<text x="{left - 8}" y="{y + BAR - 4:.1f}" text-anchor="end" fill="#111"{weight}>'
            f"{escape(_fit(bar.label, left))}</text>"
        )
        if bar.score is None:
            out.append(
                f'<text x="{left + 4}" y="{y + BAR - 4:.1f}" fill="{NONE}">{escape(none_text)}'
                "</text>"
            )
            continue
        width = max(span * max(0.0, min(bar.score, 100.0)) / 100, 1.0)
        out.append(
            f'<rect x="{left}" y="{y:.1f}" width="{width:.1f}" height="{BAR}"'
            f' fill="{colour(bar.score)}"/>'
        )
        out.append(
            f'<text x="{left + width + 5:.1f}" y="{y + BAR - 4:.1f}" fill="#111"{weight}>'
            f"{bar.score:g}</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text in it is escaped above
