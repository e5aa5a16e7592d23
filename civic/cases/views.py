"""Public case pages: the list with filters and each case's change history. The case page itself,
which shows what other domains add to a case, is composed in civic/site/case_page.py."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from civic.agencies.queries import list_active_agencies
from civic.cases import changes, labels, permissions, queries
from civic.cases.forms import CaseFilterForm
from civic.cases.models import Case, HistoryEntry
from civic.cases.regions import county_name
from civic.core.money import format_ntd, format_ntd_exact
from civic.extensions import db
from civic.web import fragments, page_cache
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


@bp.get("/cases")
@public
@page_cache.public(tags=lambda args: ("cases", "agencies"))
def index():
    """Every published case, filtered, sorted and paginated.

    Below the heading, the page is the same for everyone asking with the same query in the same
    language, so it is kept as a fragment until a case or an agency changes.
    """
    page_number = requested_page() or abort(400)
    query = urlencode(sorted(request.args.items(multi=True)))
    try:
        listing = fragments.cached(fragments.Fragment("case-list", ("cases", "agencies"), (query,)),
                                   lambda: _listing(page_number))
    except _FiltersRefused as refused:
        return render_template("cases/index.html", listing=refused.listing, refused=True), 400
    return render_template("cases/index.html", listing=listing, refused=False)


class _FiltersRefused(Exception):
    """The filters did not validate: the listing with their errors, never kept as a fragment."""

    def __init__(self, listing: str) -> None:
        self.listing = Markup(listing)  # noqa: S704 - a rendered template


def _listing(page_number: int) -> str:
    locale = str(get_locale())
    form = CaseFilterForm.from_query(request.args)
    form.set_choices(list_active_agencies(db.session), queries.list_sectors(db.session),
                     queries.list_years(db.session), locale)
    if request.args and not form.validate():
        raise _FiltersRefused(render_template("cases/_listing.html", form=form, page=None, active=[]))
    filters = queries.CaseFilters(
        agency=form.agency.data or None, sector=form.sector.data or None,
        status=form.status.data or None, kind=form.kind.data or None,
        year=int(form.year.data) if form.year.data else None,
        min_value=form.amount(form.min_value), max_value=form.amount(form.max_value),
        best=bool(form.best.data), q=form.q.data or None, sort=form.sort.data or "recent",
    )
    page = queries.list_published_cases(db.session, filters, page=page_number,
                                        per_page=current_app.config["CASES_PER_PAGE"])
    if page_number > 1 and page_number > page.pages:
        abort(404)
    return render_template("cases/_listing.html", form=form, page=page, active=_active_filters(form))


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, shown above the results with a link that drops it."""

    label: str
    value: str
    remove_url: str


def _active_filters(form: CaseFilterForm) -> list[ActiveFilter]:
    """The filters a valid query uses, in the form's order, each with the address without it."""
    locale = str(get_locale())
    shown = []
    for field in (form.q, form.agency, form.sector, form.status, form.kind, form.year):
        if field.data:
            value = field.data if field is form.q else next(
                (str(choice.label) for choice in field.choices if choice.value == field.data), field.data)
            shown.append(ActiveFilter(str(field.label.text), value, _without(field.name)))
    for field in (form.min_value, form.max_value):
        if field.data is not None:
            shown.append(ActiveFilter(str(field.label.text), format_ntd(form.amount(field), locale),
                                      _without(field.name)))
    if form.best.data:
        shown.append(ActiveFilter(str(form.best.label.text), "", _without(form.best.name)))
    return shown


def _without(name: str) -> str:
    """This address of /cases without the filter ``name`` (and back on the first page)."""
    kept = [(key, value) for key, value in request.args.items(multi=True) if key not in (name, "page")]
    return url_for("cases.index") + ("?" + urlencode(kept) if kept else "")


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
