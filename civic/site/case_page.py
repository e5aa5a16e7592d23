"""The case page, composed in one place: the case with its parts and record, and what other domains
show on it (its tenders, risk signals, workshops, pledge coverage and public comments), handed to
the template as data.
Also the comment form's submission, which shows the page again when it is refused.

No template of the page queries: each domain's part is read here, once, in a fixed number of queries.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date, datetime
from itertools import groupby
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from civic.cases import changes, completeness, disclosure
from civic.cases import permissions as case_permissions
from civic.cases import queries as case_queries
from civic.cases.models import Case, RiskItem, RiskStage
from civic.core.text import parse_id
from civic.core.time import to_taipei, utcnow
from civic.extensions import db, limiter
from civic.feedback import permissions as feedback_permissions
from civic.feedback import queries as feedback_queries
from civic.feedback import services as feedback_services
from civic.feedback.forms import CommentForm
from civic.feedback.models import Comment
from civic.pledges import queries as pledge_queries
from civic.procurement import queries as procurement_queries
from civic.procurement import signals as procurement_signals
from civic.procurement.queries import Timeline
from civic.web import fragments, page_cache
from civic.web.access import account_key, public, require, signed_in
from civic.web.forms import refusal
from civic.web.fragments import Fragment
from civic.web.paging import page_number
from civic.workshops import queries as workshop_queries

bp = Blueprint("case_page", __name__)

# The newest changes the case page shows; the rest are one link away.
LATEST_CHANGES = 3


@bp.get("/cases/<slug>")
@public
@page_cache.public(tags=lambda args: (f"case:{args['slug']}", "agencies"))
def detail(slug: str):
    """One case: the structured disclosure and every part, its change history and its thread."""
    # The parts are loaded only when the record fragment is made (or the comment form needs them).
    case = case_queries.get_case_for_page(db.session, slug, with_targets=current_user.is_authenticated) \
        or abort(404)
    require(case_permissions.can_view(current_user, case), status=404)
    return render_case(case)


def _comment_limit() -> str:
    return current_app.config["COMMENT_RATE_LIMIT"]


@bp.post("/cases/<slug>/comments")
@signed_in
@limiter.limit(_comment_limit, key_func=account_key("comment"))
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
    with refusal(field=form.body) as refused:
        comment = feedback_services.submit_comment(db.session, case, data, author=current_user)
    if refused:
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
    comments_page = page_number(request.args.get("comments", "1")) or 1
    now = utcnow()
    today = to_taipei(now).date()
    kept = [_record_fragment(case), _tender_count_fragment(case), _signals_fragment(case, today)]
    if case.is_published:
        kept += [_taking_part_fragment(case), _comment_count_fragment(case)]
        if not current_user.is_authenticated:
            kept.append(_participation_fragment(case, comments_page))
    fragments.prefetch(*kept)
    # The tenders with their announcements, read once and only if a fragment showing them is made.
    timelines = functools.cache(lambda: procurement_queries.timelines_of(db.session, case))
    page = render_template("cases/detail.html", case=case, record=_record(case, timelines),
                           tender_count=_tender_count(case, timelines),
                           signals=_signals(case, timelines, today, now),
                           can_edit=case_permissions.can_edit(current_user, case),
                           can_feature=case_permissions.can_feature(current_user),
                           taking_part=_taking_part(case, now) if case.is_published else None,
                           participation=_participation(case, comments_page, comment_form)
                           if case.is_published else None,
                           comment_count=_comment_count(case) if case.is_published else 0,
                           following=case.is_published and _following(case))
    return page, status


# The parts of a case page kept for everyone (civic/web/fragments.py), each with the tags of what
# it shows (civic/site/page_tags.py).

def _record_fragment(case: Case) -> Fragment:
    return Fragment("case-record", (f"case-record:{case.slug}", "agencies"), (case.id,))


def _tender_count_fragment(case: Case) -> Fragment:
    return Fragment("case-tender-count", (f"case-record:{case.slug}",), (case.id,))


def _signals_fragment(case: Case, today: date) -> Fragment:
    # Signals read the record (tenders, milestones) and the thread (open public input), and some
    # turn on the date, which nothing commits: the Taipei day is part of the key. An answer
    # deadline passing during the day shows once the copy expires (PAGE_CACHE_SECONDS), as it
    # does on the shared page copies.
    return Fragment("case-signals", (f"case-record:{case.slug}", f"case-thread:{case.slug}"),
                    (case.id, today.isoformat()))


def _taking_part_fragment(case: Case) -> Fragment:
    return Fragment("case-taking-part", (f"case-taking-part:{case.slug}", "agencies"), (case.id,))


def _comment_count_fragment(case: Case) -> Fragment:
    return Fragment("case-comment-count", (f"case-thread:{case.slug}",), (case.id,))


def _participation_fragment(case: Case, comments_page: int) -> Fragment:
    return Fragment("case-participation", (f"case-thread:{case.slug}", "agencies"), (case.id, comments_page))


def _comment_count(case: Case) -> int:
    """How many comments the case's thread holds, for the contents at the top of the page; kept
    beside the thread's fragment and made anew with it."""
    return int(fragments.cached(_comment_count_fragment(case),
                                lambda: str(feedback_queries.count_comments(db.session, case.id))))


def _following(case: Case) -> bool:
    """Whether the signed-in visitor follows the case (the button at the top of its page)."""
    return current_user.is_authenticated and feedback_queries.get_subscription(
        db.session, current_user.id, case_id=case.id) is not None


def _record(case: Case, timelines: Callable[[], list[Timeline]]) -> str:
    """The case's own sections (its facts and parts, its tenders' announcements, its completeness
    and its newest changes), rendered once per language until the case or one of its parts changes
    (an imported announcement goes in the case's history, which drops the fragment)."""
    return fragments.cached(_record_fragment(case),
                            lambda: render_template("cases/_record.html", **_record_data(case, timelines)))


def _tender_count(case: Case, timelines: Callable[[], list[Timeline]]) -> int:
    """How many tenders the case names, for the contents at the top of the page; kept beside the
    record, which shows them."""
    return int(fragments.cached(_tender_count_fragment(case), lambda: str(len(timelines()))))


def _signals(case: Case, timelines: Callable[[], list[Timeline]], today: date, now: datetime) -> str:
    """The case's risk signals, with what they mean and the data each came from, in a fixed number
    of queries; kept for the day until the case's record or its thread changes."""
    return fragments.cached(_signals_fragment(case, today), lambda: render_template(
        "cases/_signals.html", signals=procurement_signals.case_signals(
            db.session, case, timelines(), today=today, now=now)))


def _record_data(case: Case, timelines: Callable[[], list[Timeline]]) -> dict[str, Any]:
    case_queries.load_parts(db.session, case)
    latest = case_queries.list_latest_history(db.session, case, LATEST_CHANGES)
    return {
        "case": case,
        "timelines": timelines(),
        "assessment": completeness.assess(case),
        "stage_scores": disclosure.assess(case),
        "variation_steps": disclosure.variation_steps(case),
        "risk_stages": _risks_by_stage(case.risks),
        "latest_changes": changes.read(db.session, case, latest, str(get_locale())),
        # Entries are numbered 1, 2, 3... without gaps: the newest one says how many there are, and
        # its hash is the head of the chain.
        "change_count": latest[0].seq if latest else 0,
        "history_head": latest[0].hash if latest else None,
        "corrections": case_queries.list_meeting_corrections(db.session, case),
    }


def _risks_by_stage(risks: list[RiskItem]) -> list[tuple[str, list[RiskItem]]]:
    """The risk register grouped by procurement stage, in the order a procurement goes through
    them (planning, tendering, award, contract implementation), each stage's risks as entered."""
    order = {stage.value: position for position, stage in enumerate(RiskStage)}
    ordered = sorted(risks, key=lambda risk: (order.get(risk.stage, len(order)), risk.id))
    return [(stage, list(items)) for stage, items in groupby(ordered, key=lambda risk: risk.stage)]


def _participation(case: Case, comments_page: int, comment_form: CommentForm | None) -> Markup:
    """One page of a published case's thread, with what the visitor may do there.

    Someone who is not signed in may only read it, so theirs is the same for everyone and kept as
    a fragment until a comment or an answer changes the thread (not when someone signs up for a
    workshop: that is the taking-part fragment beside it).
    """
    if current_user.is_authenticated:
        return _render_participation(case, comments_page, comment_form)
    return fragments.cached(_participation_fragment(case, comments_page),
                            lambda: _render_participation(case, comments_page, None))


def _render_participation(case: Case, comments_page: int, comment_form: CommentForm | None) -> Markup:
    now = utcnow()
    thread = feedback_queries.get_thread(db.session, case, page=comments_page)
    signed_in = current_user.is_authenticated
    if signed_in and comment_form is None:
        # Only signed-in people get the form: building it puts a CSRF token in the session, and an
        # anonymous page that sets no cookie can be shared by the page cache.
        comment_form = CommentForm(formdata=None)
        comment_form.set_targets(case, str(get_locale()))
    return Markup(render_template(  # noqa: S704 - a rendered template
        "cases/_participation.html", case=case, thread=thread,
        comment_actions=_comment_actions(_with_replies(thread.page.items), now), comment_form=comment_form))


def _taking_part(case: Case, now: datetime) -> str:
    """The case's workshops (with their seats) and its suppliers' pledges, kept until one changes."""
    return fragments.cached(
        _taking_part_fragment(case),
        lambda: render_template("cases/_taking_part.html", case=case, now=now,
                                     workshops=workshop_queries.list_case_workshops(db.session, case.id),
                                     coverage=pledge_queries.case_coverage(db.session, case)))


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
