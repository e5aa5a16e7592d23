"""Public case pages: each case's change history. The case page itself, which shows what other
domains add to a case, is composed in civic/site/case_page.py, and so is the list with its filters
(civic/site/case_list.py), one of which is a risk signal."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from civic.cases import changes, labels, permissions, queries
from civic.cases.models import Case, HistoryEntry
from civic.cases.regions import county_name
from civic.core.money import format_ntd, format_ntd_exact
from civic.extensions import db
from civic.web import page_cache
from civic.web.access import public, require
from civic.web.paging import requested_page

bp = Blueprint("cases", __name__)


@bp.app_template_global()
def case_label(table: str, code: str | None) -> str:
    """The label of a stored code, e.g. case_label('STATUSES', case.status)."""
    return labels.label(getattr(labels, table), code)


@bp.app_template_global()
def change_url(case: Case, seq: int, total: int) -> str:
    """The address of entry ``seq`` on the history pages (newest first, CHANGES_PER_PAGE a page)."""
    page = (total - seq) // CHANGES_PER_PAGE + 1
    return url_for("cases.history", slug=case.slug, **({"page": page} if page > 1 else {})) + f"#change-{seq}"


@bp.app_template_filter("ntd")
def ntd_filter(value: int | None) -> str:
    return format_ntd(value, str(get_locale()))


@bp.app_template_filter("ntd_exact")
def ntd_exact_filter(value: int | None) -> str:
    return format_ntd_exact(value, str(get_locale()))


@bp.app_template_filter("county")
def county_filter(code: str | None) -> str:
    return county_name(code, str(get_locale())) if code else ""


# The changes a history page shows.
CHANGES_PER_PAGE = 20


def read_changes(case: Case, entries: list[HistoryEntry]) -> list[changes.Change]:
    return changes.read(db.session, case, entries, str(get_locale()))


@bp.get("/cases/<slug>/history")
@public
@page_cache.public(tags=lambda args: (f"case:{args['slug']}", "agencies"))
def history(slug: str):
    """Every change ever made to a case and its parts, newest first, with before and after."""
    case = queries.get_case_by_slug(db.session, slug) or abort(404)
    require(permissions.can_view(current_user, case), status=404)
    number = requested_page() or abort(400)
    page = queries.list_history_page(db.session, case, page=number, per_page=CHANGES_PER_PAGE)
    if number > page.pages:
        abort(404)
    return render_template("cases/history.html", case=case, page=page,
                           changes=read_changes(case, page.items),
                           history_head=queries.get_history_head(db.session, case.id))


@bp.get("/cases/<slug>/history/<int:seq>")
@public
def change(slug: str, seq: int):
    """A lasting address of one entry: the history page that shows it, at the entry."""
    case = queries.get_case_by_slug(db.session, slug) or abort(404)
    require(permissions.can_view(current_user, case), status=404)
    total = queries.count_history(db.session, case)
    if not 1 <= seq <= total:
        abort(404)
    return redirect(change_url(case, seq, total))
