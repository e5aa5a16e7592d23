"""Public agency pages: every agency with its cases and figures."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from civic.agencies.queries import get_agency_by_code
from civic.cases import queries as case_queries
from civic.extensions import db

bp = Blueprint("agencies", __name__)


@bp.get("/agencies")
def index():
    """Agencies with the number of published cases and their average completeness."""
    return render_template("agencies/index.html",
                           figures=case_queries.agency_case_figures(db.session))


@bp.get("/agencies/<code>")
def detail(code: str):
    """One agency and its published cases."""
    agency = get_agency_by_code(db.session, code)
    if agency is None or not agency.is_active:
        abort(404)
    cases = case_queries.list_published_cases_of_agency(db.session, agency.id)
    average = round(sum(c.completeness for c in cases) / len(cases)) if cases else None
    return render_template("agencies/detail.html", agency=agency, cases=cases, average=average)
