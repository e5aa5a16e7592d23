"""The home page, the health check and the service status, the accessibility statement, the icon."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, make_response, render_template, send_from_directory

from civic.cases import queries as case_queries
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import figures as feedback_figures
from civic.feedback import queries as feedback_queries
from civic.site import health
from civic.web import page_cache
from civic.web.access import public

bp = Blueprint("site", __name__)

# A week: the icon changes seldom, and a stale one harms nobody.
FAVICON_MAX_AGE = 7 * 24 * 3600


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
    checked = health.check(db.session)
    if not checked.database:
        response = jsonify({"status": str(checked.serving), "database": "unreachable"})
        response.status_code = 503
        response.headers["Retry-After"] = "30"
        return response
    return jsonify({"status": str(checked.serving), "database": "ok",
                    "rate_limits": "ok" if checked.rate_limits else "degraded",
                    "page_cache": "ok" if checked.page_cache else "degraded"})


@bp.get("/status")
@public
def status():
    """The same checks as /healthz, and the mail outbox and the bulk files, in words for people."""
    checked = health.check(db.session, in_full=True)
    response = make_response(render_template("site/status.html", health=checked),
                             503 if not checked.database else 200)
    # Always the state of now: never a stored copy.
    response.headers["Cache-Control"] = "no-cache"
    if not checked.database:
        response.headers["Retry-After"] = "30"
    return response


@bp.get("/accessibility")
@public
def accessibility():
    """The accessibility statement: what the site aims for, how it is checked, its known limits."""
    return render_template("site/accessibility.html")


@bp.get("/favicon.ico")
@public
def favicon():
    """The site's icon where browsers and feed readers look for it without reading a page."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=FAVICON_MAX_AGE)
