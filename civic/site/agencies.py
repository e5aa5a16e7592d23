"""Public agency pages: every agency with its cases and its accountability figures."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from civic.agencies.models import Agency
from civic.agencies.queries import get_agency_by_code
from civic.cases import queries as case_queries
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import queries as feedback_queries
from civic.site.charts import monthly_chart
from civic.web import page_cache

bp = Blueprint("agencies", __name__)


@bp.get("/agencies")
@page_cache.public
def index():
    """Agencies with their cases, average completeness and how they answer the public."""
    rows = case_queries.agency_case_figures(db.session)
    figures = feedback_queries.agency_figures(db.session, [row.agency.id for row in rows], utcnow())
    return render_template("agencies/index.html", rows=rows, figures=figures)


def _agency(code: str) -> Agency:
    agency = get_agency_by_code(db.session, code)
    if agency is None or not agency.is_active:
        abort(404)
    return agency


@bp.get("/agencies/<code>")
@page_cache.public
def detail(code: str):
    """One agency: its published cases and its accountability figures by month."""
    agency = _agency(code)
    cases = case_queries.list_published_cases_of_agency(db.session, agency.id)
    average = round(sum(c.completeness for c in cases) / len(cases)) if cases else None
    figures = feedback_queries.agency_figures_in_detail(db.session, agency.id, utcnow())
    return render_template("agencies/detail.html", agency=agency, cases=cases, average=average,
                           figures=figures)


@bp.get("/agencies/<code>/chart.svg")
@page_cache.public
def chart(code: str):
    """Items received and answered per month, as an SVG image."""
    agency = _agency(code)
    figures = feedback_queries.agency_figures_in_detail(db.session, agency.id, utcnow())
    svg = monthly_chart(figures, _("Public feedback to %(agency)s by month",
                                   agency=agency.name(str(get_locale()))))
    response = Response(svg, mimetype="image/svg+xml")
    # The SVG carries its own styles; it runs no script and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/agencies/<code>/figures.csv")
@page_cache.public
def figures_csv(code: str):
    """The same monthly figures as CSV."""
    agency = _agency(code)
    figures = feedback_queries.agency_figures_in_detail(db.session, agency.id, utcnow())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["agency", "month", "received", "answered"])
    for month in figures.months:
        writer.writerow([agency.code, month.month, month.received, month.answered])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{agency.code}-feedback.csv"'
    return response
