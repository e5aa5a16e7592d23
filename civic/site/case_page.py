"""The case page, composed in one place: the case with its parts and record, and what other domains
show on it (its workshops, pledge coverage and public comments), handed to the template as data.
Also the comment form's submission, which shows the page again when it is refused.

No template of the page queries: each domain's part is read here, once, in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civic.cases import changes, completeness
from civic.cases import permissions as case_permissions
from civic.cases import queries as case_queries
from civic.cases.models import Case
from civic.core.errors import DomainError
from civic.core.text import parse_id
from civic.core.time import utcnow
from civic.extensions import db, limiter
from civic.feedback import permissions as feedback_permissions
from civic.feedback import queries as feedback_queries
from civic.feedback import services as feedback_services
from civic.feedback.forms import CommentForm
from civic.feedback.models import Comment
from civic.pledges import queries as pledge_queries
from civic.web import page_cache
from civic.web.access import require
from civic.web.paging import page_number
from civic.workshops import queries as workshop_queries

bp = Blueprint("case_page", __name__)

# The newest changes the case page shows; the rest are one link away.
LATEST_CHANGES = 3


@bp.get("/cases/<slug>")
@page_cache.public(tags=lambda args: (f"case:{args['slug']}", "agencies"))
def detail(slug: str):
    """One case: the structured disclosure and every part, its change history and its thread."""
    case = case_queries.get_case_with_parts(db.session, slug) or abort(404)
    require(case_permissions.can_view(current_user, case), status=404)
    return render_case(case)


def _comment_limit() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


@bp.post("/cases/<slug>/comments")
@login_required
@limiter.limit(_comment_limit, key_func=lambda: f"comment:{current_user.get_id()}")
def post_comment(slug: str):
    """Accept a comment on a case; a top-level comment becomes tracked feedback."""
    case = case_queries.get_case_with_parts(db.session, slug)
    if case is None or not case.is_published:
        abort(404)
    require(feedback_permissions.can_comment(current_user, case))
    form = CommentForm()
    form.set_targets(case, str(get_locale()))
    if not form.validate_on_submit():
        return render_case(case, status=422, comment_form=form)
    meeting_id, risk_id = _target(form.about.data)
    data = feedback_services.CommentInput(
        body=form.body.data, meeting_id=meeting_id, risk_id=risk_id,
        parent_id=int(form.parent_id.data) if form.parent_id.data else None)
    try:
        comment = feedback_services.submit_comment(db.session, case, data, author=current_user)
    except DomainError as error:
        db.session.rollback()
        form.body.errors = [*form.body.errors, error.message]
        return render_case(case, status=422, comment_form=form)
    number = comment.feedback.tracking_number if comment.parent_id is None else None
    comment_id = comment.id
    db.session.commit()
    if number is not None:
        flash(_("Received. Your tracking number is %(number)s.", number=number), "success")
        return redirect(url_for("feedback.status", tracking_number=number))
    flash(_("Your reply has been posted."), "success")
    return redirect(url_for("case_page.detail", slug=slug) + f"#comment-{comment_id}")


def _target(about: str | None) -> tuple[int | None, int | None]:
    """The meeting or the risk a comment is about, from the form's ``meeting-<id>``/``risk-<id>``."""
    if about and about.startswith("meeting-"):
        return parse_id(about[8:]), None
    if about and about.startswith("risk-"):
        return None, parse_id(about[5:])
    return None, None


def render_case(case: Case, *, status: int = 200, comment_form: CommentForm | None = None):
    """The case page; ``comment_form`` is a refused comment shown again with its errors."""
    page = render_template("cases/detail.html", **_case_sections(case),
                           **(_participation(case, comment_form) if case.is_published else {}))
    return page, status


def _case_sections(case: Case) -> dict[str, Any]:
    """The case's own sections: its facts and parts, its completeness and its newest changes."""
    latest = case_queries.list_latest_history(db.session, case, LATEST_CHANGES)
    return {
        "case": case,
        "assessment": completeness.assess(case),
        "latest_changes": changes.read(db.session, case, latest, str(get_locale())),
        # Entries are numbered 1, 2, 3... without gaps: the newest one says how many there are, and
        # its hash is the head of the chain.
        "change_count": latest[0].seq if latest else 0,
        "history_head": latest[0].hash if latest else None,
        "corrections": case_queries.list_meeting_corrections(db.session, case),
        "can_edit": case_permissions.can_edit(current_user, case),
        "can_feature": case_permissions.can_feature(current_user),
    }


def _participation(case: Case, comment_form: CommentForm | None) -> dict[str, Any]:
    """What a published case adds: its workshops, its pledge coverage and one page of its thread,
    with what the visitor may do there."""
    now = utcnow()
    thread = feedback_queries.get_thread(db.session, case, page=page_number(request.args.get("comments", "1")) or 1)
    signed_in = current_user.is_authenticated
    if signed_in and comment_form is None:
        # Only signed-in people get the form: building it puts a CSRF token in the session, and an
        # anonymous page that sets no cookie can be shared by the page cache.
        comment_form = CommentForm(formdata=None)
        comment_form.set_targets(case, str(get_locale()))
    return {
        "workshops": workshop_queries.list_case_workshops(db.session, case.id),
        "now": now,
        "coverage": pledge_queries.case_coverage(db.session, case),
        "thread": thread,
        "comment_actions": _comment_actions(_with_replies(thread.page.items), now),
        "comment_form": comment_form,
        "following": signed_in and feedback_queries.get_subscription(
            db.session, current_user.id, case_id=case.id) is not None,
    }


def _with_replies(comments: Iterable[Comment]) -> list[Comment]:
    return [shown for comment in comments for shown in (comment, *comment.replies)]


def _comment_actions(comments: Iterable[Comment], now: datetime) -> dict[int, dict[str, bool]]:
    """What the visitor may do with each comment shown: edit, delete, report, show it again."""
    moderator = feedback_permissions.can_moderate(current_user)
    return {comment.id: {"edit": feedback_permissions.can_edit_comment(current_user, comment, now),
                         "delete": feedback_permissions.can_delete_comment(current_user, comment),
                         "report": feedback_permissions.can_report(current_user, comment),
                         "restore": comment.is_hidden and moderator}
            for comment in comments}
