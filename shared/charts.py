"""Bar charts as SVG drawn on the server: no chart library, no CDN, no JavaScript. Used by the
figures pages of the rooms and the calendar service.

One horizontal bar per row, its parts stacked (hours booked by the house itself and by other
partners; dates held, planned and cancelled). Each row's label stands on its own line above the
bar, so the chart is narrow (VIEW_WIDTH units) and scales down to a phone's 390 px without
sideways scrolling while its text stays readable; it grows in height with the rows instead.

The chart is role="img" named by its <title> and <desc>; the table beside it carries the same
numbers and is what a screen reader reads. The colours keep at least 3:1 against white (WCAG
1.4.11) and each part is divided from the next by a white line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

VIEW_WIDTH = 360
VALUE_WIDTH = 64  # room right of the longest bar for its number
ROW_HEIGHT = 40  # label line and bar
BAR_HEIGHT = 16
LEGEND_HEIGHT = 28
LABEL_MAX = 44  # characters; the table beside the chart shows the whole label
# dark blue 9.0:1, dark orange 5.2:1, grey-violet 6.3:1 against white
COLOURS = ("#1d4f91", "#a84300", "#5c4d7d")
TEXT = "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    """One row: its label, the size of each part (in the order of the chart's parts) and the
    number written after it (the total, as the table says it)."""

    label: str
    parts: tuple[float, ...]
    shown: str


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def _legend(parts: Sequence[str]) -> tuple[list[str], int]:
    """Swatch and name of each part, on as many lines as the width needs; and their height."""
    items: list[str] = []
    x, y = 0, 0
    for index, name in enumerate(parts):
        width = 19 + 8 * len(name)  # about 7 units a character at font-size 13, and some air
        if x and x + width > VIEW_WIDTH:
            x, y = 0, y + LEGEND_HEIGHT - 6
        colour = COLOURS[index % len(COLOURS)]
        items.append(f'<rect x="{x}" y="{y + 4}" width="14" height="14" fill="{colour}"/>')
        items.append(f'<text x="{x + 19}" y="{y + 16}">{escape(name)}</text>')
        x += width + 14
    return items, (y + LEGEND_HEIGHT if items else 0)


def _bar(bar: Bar, y: int, scale: float) -> list[str]:
    items = [f'<text x="0" y="{y + 13}">{escape(_short(bar.label))}</text>']
    x = 0.0
    for index, size in enumerate(bar.parts):
        width = max(size, 0) * scale
        if width > 0:
            colour = COLOURS[index % len(COLOURS)]
            items.append(
                f'<rect x="{x:.1f}" y="{y + 18}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour}"'
                ' stroke="#ffffff" stroke-width="1"/>'
            )
        x += width
    items.append(f'<text x="{x + 6:.1f}" y="{y + 31}">{escape(bar.shown)}</text>')
    return items


def bar_chart(chart_id: str, title: str, description: str, parts: Sequence[str], bars: Sequence[Bar]) -> Markup:
    """The SVG element: `parts` names the stacked parts (the legend), `bars` the rows."""
    largest = max((sum(max(p, 0) for p in b.parts) for b in bars), default=0.0)
    scale = (VIEW_WIDTH - VALUE_WIDTH) / largest if largest > 0 else 0.0
    body, top = _legend(parts) if len(parts) > 1 else ([], 0)
    for index, bar in enumerate(bars):
        body += _bar(bar, top + index * ROW_HEIGHT, scale)
    height = top + ROW_HEIGHT * len(bars) + 4
    return Markup(
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {VIEW_WIDTH} {height}"'
        f' aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc"'
        f' font-family="sans-serif" font-size="13" fill="{TEXT}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )
