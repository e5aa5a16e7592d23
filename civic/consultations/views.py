"""Published guidance from the consultation desk: only the anonymised texts both sides agreed to
publish, never the asking agency, the person who asked or the original question and answer."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from civic.consultations import queries
from civic.extensions import db
from civic.web.access import public
from civic.web.paging import requested_page

bp = Blueprint("consultations", __name__)

# Longer search text is not a search of ours.
QUERY_MAX_LENGTH = 100


@bp.get("/guidance")
@public
def index():
    """Published guidance, newest first; ``q`` keeps those whose title, question or answer holds it."""
    page = requested_page() or abort(404)
    q = request.args.get("q", "").strip()[:QUERY_MAX_LENGTH]
    return render_template("consultations/guidance_index.html", page=queries.list_guidance(db.session, q=q, page=page),
                           q=q)


@bp.get("/guidance/<int:consultation_id>")
@public
def detail(consultation_id: int):
    """One piece of published guidance: its anonymised title, question and answer."""
    guidance = queries.get_guidance(db.session, consultation_id) or abort(404)
    return render_template("consultations/guidance_detail.html", guidance=guidance)
