"""Accountability charts: server-rendered SVG (pygal), no script, shown beside the same figures
as an HTML table and a CSV file.
"""

from __future__ import annotations

import re
import unicodedata

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from civic.feedback.figures import AgencyFigures

STYLE = Style(
    background="white", plot_background="white", foreground="#0b0c0c", foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f", colors=("#0b5568", "#f47738"),
    font_family="system-ui, 'Noto Sans TC', 'Noto Sans CJK TC', 'PingFang TC', 'Microsoft JhengHei', sans-serif",
    title_font_size=18, label_font_size=14, major_label_font_size=14, legend_font_size=15,
)


# The narrow chart is drawn at the width a phone gives it (390 px less the page's margins), so its
# text is shown at the size written here: never under 12 px.
NARROW_WIDTH = 360
NARROW_STYLE = Style(
    background="white", plot_background="white", foreground="#0b0c0c", foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f", colors=("#0b5568", "#f47738"), font_family=STYLE.font_family,
    title_font_size=16, label_font_size=14, major_label_font_size=14, legend_font_size=14,
    value_font_size=14, tooltip_font_size=14, value_label_font_size=14, no_data_font_size=16,
)


def _wide_glyphs_extra(labels: list[str], font_size: int) -> int:
    """How much wider than pygal reckons (0.6 em a character) the widest label is: Chinese
    characters take a whole em, and the labels beside the rows would otherwise be cut off."""
    extra = max((sum(unicodedata.east_asian_width(char) in "WF" for char in label) for label in labels), default=0)
    return round(extra * 0.4 * font_size) + 4


def narrow_height(months: int) -> int:
    """The height of the narrow chart: a band per month, above the legend."""
    return 110 + 40 * max(months, 1)


def monthly_chart(figures: AgencyFigures, title: str, labels: list[str], *, narrow: bool = False) -> bytes:
    """Items received, and of those answered, per month, as a standalone SVG without JavaScript.

    ``labels`` names the months as the table beside the chart does (民國 year in Chinese).
    ``narrow`` draws it for a phone: the bars run across, one month a row, so that every label
    reads level at full size; the title, which the page's heading already says, is left out there.
    """
    received = [month.received for month in figures.months]
    answered = [month.answered for month in figures.months]
    if narrow:
        chart = pygal.HorizontalBar(style=NARROW_STYLE, js=(), disable_xml_declaration=False, width=NARROW_WIDTH,
                                    height=narrow_height(len(labels)), legend_at_bottom=True,
                                    legend_at_bottom_columns=2, show_x_guides=True, show_y_guides=False,
                                    truncate_label=-1, truncate_legend=-1, print_values=False,
                                    margin=8, margin_right=16, spacing=8,
                                    margin_left=8 + _wide_glyphs_extra(labels, NARROW_STYLE.label_font_size))
        # pygal stacks the rows from the bottom up: reversed, the first month is read first, at the top.
        labels, received, answered = labels[::-1], received[::-1], answered[::-1]
    else:
        # A year of long month names only fits the axis slanted, and pygal underestimates how far
        # slanted Chinese labels reach down: the legend goes beside the chart then, not below it.
        slanted = len(labels) > 6
        chart = pygal.Bar(style=STYLE, js=(), disable_xml_declaration=False, width=760,
                          height=420 if slanted else 320, legend_at_bottom=not slanted, show_y_guides=True,
                          title=title, x_label_rotation=-60 if slanted else 0, truncate_label=-1,
                          print_values=False, margin_bottom=50 if slanted else 20)
    chart.x_labels = labels
    # Whole numbers on the axis: these are counts of items.
    top = max([1] + [max(m.received, m.answered) for m in figures.months])
    step = max(1, -(-top // 5))
    chart.y_labels = list(range(0, top + step, step))
    chart.add(_("Received"), received)
    chart.add(_("Answered"), answered)
    # pygal still writes a small configuration script; the chart needs none of it. The SVG is
    # pygal's own output (labels are escaped by it), so removing its script elements is safe.
    svg = chart.render(is_unicode=True)
    svg = re.sub(r"<script\b[^>]*/>|<script\b[^>]*>.*?</script>", "", svg, flags=re.S)
    return svg.encode("utf-8")
