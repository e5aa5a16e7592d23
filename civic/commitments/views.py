"""The public commitment tracker: the action plan's commitments, their targets and progress."""

from __future__ import annotations

from flask import Blueprint, render_template

from civic.commitments import queries
from civic.commitments.labels import EXPLANATIONS, MEASURES, year_label
from civic.core.time import to_taipei, utcnow
from civic.extensions import db

# The one import of the private reports package on the public site: counts, numbers only.
from civic.reports import counts as report_counts
from civic.web import page_cache
from civic.web.access import public

bp = Blueprint("commitments", __name__)


@bp.get("/commitments")
@public
@page_cache.public(tags=lambda args: ("commitments",))
def index():
    """Each commitment: its measure, year by year target against the value reached, and milestones;
    then how many confidential reports each agency received in each ended year, by status (numbers only)."""
    now = utcnow()
    current_year = to_taipei(now).year
    # Only ended years: a count of this year would show the people reported on that a report was just
    # filed or acted on.
    counted = report_counts.yearly_counts(db.session, current_year=current_year)
    return render_template("commitments/index.html", progress=queries.list_progress(db.session, now),
                           measures=MEASURES, explanations=EXPLANATIONS, year_label=year_label,
                           current_year=current_year, report_counts=report_counts.by_agency(counted))
