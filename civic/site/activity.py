"""A signed-in person's own activity: their comments and feedback items, what they follow, their
workshop sign-ups; with stopping to follow, choosing how often to hear, and cancelling a sign-up
from the same page.

Only ever the current user's own rows: another person's subscription or sign-up answers 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic.core.time import utcnow
from civic.digests import services as digest_services
from civic.digests.forms import FrequencyForm
from civic.digests.labels import CHOSEN, FREQUENCIES
from civic.extensions import db
from civic.feedback import moderation
from civic.feedback import queries as feedback_queries
from civic.feedback.forms import EmptyForm
from civic.web.access import safe_next, signed_in
from civic.web.forms import refusal
from civic.web.paging import requested_page
from civic.workshops import queries as workshop_queries
from civic.workshops import services as workshop_services

bp = Blueprint("activity", __name__)

# The overview shows the latest few of each; a section's own page shows them all, page by page.
PREVIEW = 5
PER_PAGE = 20
SECTIONS = ("comments", "following", "workshops")


def _sections(now, *, only: str | None = None, page: int = 1) -> dict[str, object]:
    """Each section's page of rows: the first PREVIEW of every section, or page ``page`` of one."""
    def size(name: str) -> tuple[int, int]:
        return (page, PER_PAGE) if only == name else (1, PREVIEW)

    found: dict[str, object] = {}
    user_id = current_user.id
    if only in (None, "comments"):
        number, per_page = size("comments")
        found["comments"] = feedback_queries.list_comments_by_author(
            db.session, user_id, page=number, per_page=per_page)
    if only in (None, "following"):
        number, per_page = size("following")
        found["following"] = feedback_queries.list_followed(db.session, user_id, page=number, per_page=per_page)
    if only in (None, "workshops"):
        number, per_page = size("workshops")
        signups = workshop_queries.list_registrations_of_user(db.session, user_id, now=now, page=number,
                                                              per_page=per_page)
        found["workshops"] = signups
        found["places"] = workshop_queries.waitlist_places(db.session, signups.items)
    return found


@bp.get("/account/activity")
@signed_in
def index():
    """The signed-in person's comments with their items' progress, what they follow, and their
    workshop sign-ups: the latest few of each."""
    now = utcnow()
    return render_template("site/activity.html", section=None, now=now, frequencies=FREQUENCIES, **_sections(now))


@bp.get("/account/activity/<any(comments, following, workshops):section>")
@signed_in
def section(section: str):
    """All of one section of the activity page, page by page."""
    page_number = requested_page() or abort(400)
    now = utcnow()
    found = _sections(now, only=section, page=page_number)
    if page_number > found[section].pages:
        abort(404)
    return render_template("site/activity.html", section=section, now=now, frequencies=FREQUENCIES, **found)


@bp.post("/account/activity/following/<int:subscription_id>/unfollow")
@signed_in
def unfollow(subscription_id: int):
    """Stop following one case or agency from the activity page."""
    subscription = feedback_queries.get_own_subscription(db.session, current_user.id, subscription_id)
    if subscription is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    moderation.unfollow(db.session, subscription)
    db.session.commit()
    flash(_("You no longer follow this."), "success")
    return redirect(url_for("activity.index") + "#following")


@bp.post("/account/activity/following/<int:subscription_id>/frequency")
@signed_in
def frequency(subscription_id: int):
    """Choose how one followed case or agency is heard of: an email for each answer, or a daily or
    weekly digest."""
    subscription = feedback_queries.get_own_subscription(db.session, current_user.id, subscription_id)
    if subscription is None:
        abort(404)
    back = safe_next(request.form.get("next"), url_for("activity.index")) + "#following"
    form = FrequencyForm()
    if not form.validate_on_submit():
        # Without its security token the request never gets here (CSRFProtect answers 400).
        for message in form.frequency.errors:
            flash(str(message), "error")
        return redirect(back)
    with refusal() as refused:
        digest_services.choose_frequency(db.session, subscription, form.frequency.data,
                                         actor=current_user._get_current_object())
    if refused:
        return redirect(back)
    db.session.commit()
    flash(str(CHOSEN[subscription.frequency]), "success")
    return redirect(back)


@bp.post("/account/activity/workshops/<int:registration_id>/cancel")
@signed_in
def cancel_registration(registration_id: int):
    """Cancel one's own workshop sign-up from the activity page; a freed seat goes to the waitlist."""
    registration = workshop_queries.get_own_registration(db.session, current_user.id, registration_id)
    if registration is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal() as refused:
        workshop_services.cancel_registration(db.session, registration, actor=current_user._get_current_object())
    if refused:
        return redirect(url_for("activity.index") + "#workshops")
    db.session.commit()
    flash(_("Your registration has been cancelled. Thank you for telling us."), "success")
    return redirect(url_for("activity.index") + "#workshops")
