"""Public comment pages: editing and deleting one's own comment, reporting, the status page of a
feedback item, following cases and agencies, unsubscribing. Posting is on the case page
(civic/site/case_page.py), which shows a refused comment again.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from civic.agencies.queries import get_agency_by_code
from civic.cases import queries as case_queries
from civic.cases.models import Case
from civic.core.text import excerpt
from civic.core.time import days_between, isoformat, utcnow
from civic.extensions import db, limiter
from civic.feedback import allegations, follow_ups, labels, moderation, permissions, queries, services
from civic.feedback.forms import EditCommentForm, EmptyForm, FollowUpForm, ReportForm
from civic.feedback.models import Comment, Feedback
from civic.feedback.tracking import normalize
from civic.web.access import public, require, safe_next, signed_in
from civic.web.forms import form_status, post_form, refusal
from civic.web.templating import format_datetime

bp = Blueprint("feedback", __name__)


@bp.app_template_global()
def feedback_label(table: str, code: str | None) -> str:
    return labels.label(getattr(labels, table), code)


@bp.app_template_global()
def looks_like_allegation(text: str | None) -> bool:
    return allegations.looks_like_allegation(text)


# The comment form's textarea carries them, so civic.js offers the confidential channel as they are typed.
bp.add_app_template_global(allegations.WORDS, "allegation_words")


@bp.app_template_filter("excerpt")
def excerpt_filter(source: str | None, length: int = 80) -> str:
    """The start of a comment as plain text, for lists (the staff inbox, one's own activity)."""
    return excerpt(source or "", length)


@bp.app_template_global()
def feedback_age(since: datetime, now: datetime) -> Markup:
    """How long ago ``since`` was, in Taipei calendar days ("Today", "3 days ago"), as a
    ``<time>`` carrying the exact moment."""
    days = days_between(since, now)
    words = _("Today") if days <= 0 else ngettext("%(num)d day ago", "%(num)d days ago", days)
    return Markup('<time datetime="{}">{}</time>').format(isoformat(since), words)


def _own_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.is_deleted:
        abort(404)
    return comment


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_comment(comment_id: int):
    """Correct one's own comment within 15 minutes of posting it."""
    comment = _own_comment(comment_id)
    require(permissions.can_edit_comment(current_user, comment, utcnow()))
    form = EditCommentForm(body=comment.body_source)
    if not form.validate_on_submit():
        return render_template("feedback/edit_comment.html", form=form, comment=comment), \
            form_status(form)
    with refusal(form, "body") as refused:
        services.edit_comment(db.session, comment, form.body.data, actor=current_user)
    if refused:
        return render_template("feedback/edit_comment.html", form=form, comment=comment), 422
    db.session.commit()
    flash(_("Your comment has been changed."), "success")
    return redirect(_comment_url(comment))


def _comment_url(comment: Comment) -> str:
    slug = db.session.get(Case, comment.case_id).slug
    return url_for("case_page.detail", slug=slug) + f"#comment-{comment.id}"


@bp.post("/comments/<int:comment_id>/delete")
@signed_in
def delete_comment(comment_id: int):
    """Delete one's own comment; a tombstone stays if others replied."""
    comment = _own_comment(comment_id)
    require(permissions.can_delete_comment(current_user, comment))
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.delete_comment(db.session, comment, actor=current_user)
    db.session.commit()
    flash(_("Your comment has been deleted."), "success")
    return redirect(_comment_url(comment))


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@signed_in
@limiter.limit("20 per hour", methods=["POST"])
def report_comment(comment_id: int):
    """Ask the moderators to look at a comment."""
    comment = _own_comment(comment_id)
    if comment.is_hidden:
        flash(_("A moderator has already hidden this comment, so it cannot be reported again."), "error")
        return redirect(_comment_url(comment), 303)
    require(permissions.can_report(current_user, comment))
    form = ReportForm()
    return post_form(
        form, lambda: moderation.report_comment(db.session, comment, reporter=current_user, reason=form.reason.data),
        show=lambda status: (render_template("feedback/report.html", form=form, comment=comment), status),
        field="reason", done=_("Thank you. The moderators will look at this comment."),
        then=lambda: _comment_url(comment))


@bp.get("/feedback/<tracking_number>")
@public
def status(tracking_number: str):
    """The public status page of one piece of input: status, dates, answer, history."""
    feedback = queries.get_feedback(db.session, tracking_number)
    if feedback is None:
        normalized = normalize(tracking_number)
        if normalized != tracking_number and queries.get_feedback(db.session, normalized) is not None:
            return redirect(url_for("feedback.status", tracking_number=normalized))
        abort(404)
    return render_status(feedback)


def render_status(feedback: Feedback, status: int = 200, follow_up_form: FollowUpForm | None = None):
    """The status page; its author gets the follow-up form while they may still follow up."""
    now = utcnow()
    until = follow_ups.follow_up_until(feedback)
    if (follow_up_form is None and until is not None and now <= until
            and permissions.can_follow_up(current_user, feedback)):
        follow_up_form = FollowUpForm(formdata=None)
    return render_template("feedback/status.html", feedback=feedback, now=now,
                           can_handle=permissions.can_handle(current_user, feedback),
                           event_agencies=queries.get_forwarding_agencies(db.session, feedback),
                           restorations=queries.get_restorations(db.session, [feedback.comment_id]),
                           follow_up_form=follow_up_form, follow_up_until=until), status


@bp.post("/feedback/<tracking_number>/follow-up")
@signed_in
def follow_up(tracking_number: str):
    """The author says, once, that the answer does not answer the question; the item reopens."""
    feedback = queries.get_feedback(db.session, tracking_number)
    if feedback is None:
        abort(404)
    require(permissions.can_follow_up(current_user, feedback))
    form = FollowUpForm()
    if not form.validate_on_submit():
        return render_status(feedback, 422, follow_up_form=form)
    with refusal(form, "body") as refused:
        follow_ups.follow_up(db.session, feedback, form.body.data, actor=current_user)
    if refused:
        return render_status(queries.get_feedback(db.session, tracking_number), 422, follow_up_form=form)
    due = format_datetime(feedback.due_at)
    db.session.commit()
    flash(_("Your follow-up is sent and the item is open again. The agency must answer it by %(date)s.",
            date=due), "success")
    return redirect(url_for("feedback.status", tracking_number=tracking_number))


@bp.get("/feedback")
@public
def lookup():
    """Find an item by the tracking number someone typed."""
    number = request.args.get("number", "").strip()
    if not number:
        return render_template("feedback/lookup.html", error=None)
    normalized = normalize(number)
    if queries.get_feedback(db.session, normalized) is None:
        return render_template("feedback/lookup.html", number=number,
                               error=_("No item has the tracking number %(number)s. Check it and try again.",
                                       number=number)), 404
    return redirect(url_for("feedback.status", tracking_number=normalized))


def _follow_target(kind: str, key: str):
    """The case or agency a follow button names (404 unless it is public) and its page, once the
    button's CSRF token is checked (400 without it)."""
    if kind == "cases":
        case = case_queries.get_case_with_parts(db.session, key)
        if case is None or not case.is_published:
            abort(404)
        target, back = {"case": case}, url_for("case_page.detail", slug=key)
    else:
        agency = get_agency_by_code(db.session, key)
        if agency is None or not agency.is_active:
            abort(404)
        target, back = {"agency": agency}, url_for("agencies.detail", code=key)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return target, back


@bp.post("/<any(cases, agencies):kind>/<key>/follow")
@signed_in
def follow(kind: str, key: str):
    """Follow a case or an agency to be mailed its answers to the public."""
    target, back = _follow_target(kind, key)
    require(permissions.can_follow(current_user))
    moderation.follow(db.session, current_user, **target)
    db.session.commit()
    flash(_("You will get an email when the agency answers the public here. To get a daily or weekly digest "
            "instead, choose it under “Cases and agencies you follow” in My activity."), "success")
    return redirect(safe_next(request.form.get("next"), back))


@bp.post("/<any(cases, agencies):kind>/<key>/unfollow")
@signed_in
def unfollow(kind: str, key: str):
    """Stop following a case or an agency."""
    target, back = _follow_target(kind, key)
    subscription = queries.get_subscription(
        db.session, current_user.id, case_id=target["case"].id if "case" in target else None,
        agency_id=target["agency"].id if "agency" in target else None)
    if subscription is not None:
        moderation.unfollow(db.session, subscription)
        db.session.commit()
    flash(_("You no longer follow this."), "success")
    return redirect(back)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str):
    """Stop the mail of one subscription from the link in the mail, without signing in."""
    subscription = queries.get_subscription_by_token(db.session, token)
    if subscription is None:
        return render_template("feedback/unsubscribed.html", already=True)
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("feedback/unsubscribe.html", form=form)
    moderation.unfollow(db.session, subscription)
    db.session.commit()
    return render_template("feedback/unsubscribed.html", already=False)
