"""The public commitment tracker: the action plan's commitments, their targets and progress."""

from __future__ import annotations

from flask import Blueprint, render_template

from civic.commitments import queries
from civic.commitments.labels import EXPLANATIONS, MEASURES, year_label
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.web import page_cache
from civic.web.access import public

bp = Blueprint("commitments", __name__)


@bp.get("/commitments")
@public
@page_cache.public(tags=lambda args: ("commitments",))
def index():
    """Each commitment: its measure, year by year target against the value reached, and milestones."""
    now = utcnow()
    return render_template("commitments/index.html", progress=queries.list_progress(db.session, now),
                           measures=MEASURES, explanations=EXPLANATIONS, year_label=year_label,
                           current_year=to_taipei(now).year)
