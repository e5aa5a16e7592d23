"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from civic.cases import queries as case_queries
from civic.core.time import utcnow
from civic.extensions import db, limiter
from civic.feedback import figures as feedback_figures
from civic.feedback import queries as feedback_queries
from civic.web import page_cache
from civic.web.access import public

bp = Blueprint("site", __name__)


@bp.get("/")
@public
@page_cache.public(tags=lambda args: ("cases", "agencies", "feedback", "workshops"))
def home():
    """The front page: best-practice cases, the latest official answers, headline figures."""
    return render_template(
        "site/home.html",
        best_cases=case_queries.list_best_practice_cases(db.session, limit=3),
        case_count=case_queries.count_published_cases(db.session),
        responses=feedback_queries.latest_responses(db.session, limit=5),
        totals=feedback_figures.site_totals(db.session, utcnow()),
    )


@bp.get("/healthz")
@public
def healthz():
    """Answer 200 while the database answers, 503 otherwise (for load balancers).

    Redis is not needed to serve: without it the rate limits count per process and the shared
    page copies are skipped. The answer says so ("degraded") for monitoring.
    """
    try:
        db.session.execute(text("SELECT 1"))
    except DBAPIError:
        db.session.rollback()
        response = jsonify({"status": "unavailable", "database": "unreachable"})
        response.status_code = 503
        response.headers["Retry-After"] = "30"
        return response
    parts = {"rate_limits": "ok" if _limiter_reachable() else "degraded",
             "page_cache": "ok" if page_cache.reachable() else "degraded"}
    status = "ok" if all(state == "ok" for state in parts.values()) else "degraded"
    return jsonify({"status": status, "database": "ok", **parts})


def _limiter_reachable() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # any failure of the store means it is not there
        return False
