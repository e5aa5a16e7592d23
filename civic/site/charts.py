"""Accountability charts: server-rendered SVG (pygal), no script, shown beside the same figures
as an HTML table and a CSV file.
"""

from __future__ import annotations

import re

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


def monthly_chart(figures: AgencyFigures, title: str, labels: list[str]) -> bytes:
    """Items received, and of those answered, per month, as a standalone SVG without JavaScript.

    ``labels`` names the months as the table beside the chart does (民國 year in Chinese).
    """
    # A year of long month names only fits the axis slanted, and pygal underestimates how far
    # slanted Chinese labels reach down: the legend goes beside the chart then, not below it.
    slanted = len(labels) > 6
    chart = pygal.Bar(style=STYLE, js=(), disable_xml_declaration=False, width=760, height=420 if slanted else 320,
                      legend_at_bottom=not slanted, show_y_guides=True, title=title,
                      x_label_rotation=-60 if slanted else 0, truncate_label=-1, print_values=False,
                      margin_bottom=50 if slanted else 20)
    chart.x_labels = labels
    # Whole numbers on the axis: these are counts of items.
    top = max([1] + [max(m.received, m.answered) for m in figures.months])
    step = max(1, -(-top // 5))
    chart.y_labels = list(range(0, top + step, step))
    chart.add(_("Received"), [month.received for month in figures.months])
    chart.add(_("Answered"), [month.answered for month in figures.months])
    # pygal still writes a small configuration script; the chart needs none of it. The SVG is
    # pygal's own output (labels are escaped by it), so removing its script elements is safe.
    svg = chart.render(is_unicode=True)
    svg = re.sub(r"<script\b[^>]*/>|<script\b[^>]*>.*?</script>", "", svg, flags=re.S)
    return svg.encode("utf-8")
