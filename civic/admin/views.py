"""Administration: the dashboard of what waits, application review and best practice.

Every /admin/ URL sits behind a blueprint wall (admins only) and a rule on each view; every
change goes through the same domain services that the CLI and other screens use.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic.accounts.queries import list_pending_claims
from civic.cases import permissions, queries, services
from civic.cases.forms import BestPracticeForm, ReviewForm
from civic.cases.thresholds import check_threshold
from civic.consultations import queries as consultation_queries
from civic.core.permissions import Permission
from civic.core.time import utcnow
from civic.extensions import db
from civic.feedback import figures as feedback_figures
from civic.feedback import queries as feedback_queries
from civic.notifications.services import count_by_status
from civic.showcase import queries as showcase_queries
from civic.web.access import permission_required, require, walled
from civic.web.forms import form_status, refusal

# Every /admin/ URL is for administrators only.
bp = walled(Blueprint("admin", __name__, url_prefix="/admin"), Permission.use_admin_area)


@bp.get("/")
@permission_required(Permission.use_admin_area)
def dashboard():
    """What waits for the authority, each linking to where it is handled."""
    return render_template(
        "admin/dashboard.html",
        applications=queries.list_applications(db.session),
        overdue=feedback_figures.overdue_by_age(db.session, utcnow()),
        claims=list_pending_claims(db.session),
        reports=feedback_queries.count_open_reports(db.session),
        mail=count_by_status(db.session),
        consultations=consultation_queries.count_open(db.session),
        apps_waiting=showcase_queries.count_waiting(db.session),
    )


@bp.get("/cases/applications")
@permission_required(Permission.review_applications)
def applications():
    """Applications for a platform waiting for a decision."""
    return render_template("admin/applications.html", applications=queries.list_applications(db.session))


@bp.route("/cases/<slug>/review", methods=["GET", "POST"])
@permission_required(Permission.review_applications)
def review(slug: str):
    """Approve, return or reject one application."""
    require(permissions.can_review(current_user))
    case = queries.get_case_with_parts(db.session, slug) or abort(404)
    form = ReviewForm()
    threshold = check_threshold(case.procurement_kind, case.budget_ntd)
    if not form.validate_on_submit():
        return render_template("admin/review.html", case=case, form=form, threshold=threshold), \
            form_status(form)
    actions = {"approve": services.approve_application, "return": services.return_application,
               "reject": services.reject_application}
    with refusal(field=form.comment) as refused:
        actions[form.decision.data](db.session, case, actor=current_user, comment=form.comment.data or "")
    if refused:
        return render_template("admin/review.html", case=case, form=form, threshold=threshold), 422
    db.session.commit()
    flash(_("Your decision has been recorded."), "success")
    return redirect(url_for("admin.applications"))


@bp.route("/cases/<slug>/best-practice", methods=["GET", "POST"])
@permission_required(Permission.feature_cases)
def best_practice(slug: str):
    """Mark or unmark a case as a best-practice example, with the reasons."""
    require(permissions.can_feature(current_user))
    case = queries.get_case_with_parts(db.session, slug) or abort(404)
    form = BestPracticeForm(is_best=case.is_best_practice, reason_zh=case.best_practice_reason_zh,
                            reason_en=case.best_practice_reason_en)
    if not form.validate_on_submit():
        return render_template("admin/best_practice.html", case=case, form=form), \
            form_status(form)
    with refusal(form, "reason_zh") as refused:
        services.set_best_practice(db.session, case, actor=current_user, is_best=form.is_best.data,
                                   reason_zh=form.reason_zh.data or "", reason_en=form.reason_en.data or "")
    if refused:
        return render_template("admin/best_practice.html", case=case, form=form), 422
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("case_page.detail", slug=slug))
