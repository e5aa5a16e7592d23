"""The list of cases, /cases: every published case, filtered, sorted and paginated. Composed here
because one of its filters, the risk signal, is decided by civic.procurement.signals, a domain
above cases; the other filters are the cases domain's own (civic.cases.queries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from civic.agencies.queries import list_active_agencies
from civic.cases import queries as case_queries
from civic.cases.forms import CaseFilterForm
from civic.core.money import format_ntd
from civic.core.pagination import Page
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.procurement import signals as procurement_signals
from civic.web import fragments, page_cache
from civic.web.access import public
from civic.web.paging import requested_page

bp = Blueprint("case_list", __name__)


@bp.get("/cases")
@public
@page_cache.public(tags=lambda args: ("cases", "agencies"))
def index():
    """Every published case, filtered, sorted and paginated.

    Below the heading, the page is the same for everyone asking with the same query in the same
    language, so it is kept as a fragment until a case or an agency changes. Filtered by a risk
    signal, also until public input changes and for the day (some signals turn on the date); a
    change to a case's parts shows once the copy expires (PAGE_CACHE_SECONDS), as it does on the
    shared page copies.
    """
    page_number = requested_page() or abort(400)
    query = urlencode(sorted(request.args.items(multi=True)))
    now = utcnow()
    today = to_taipei(now).date()
    fragment = (fragments.Fragment("case-list-signal", ("cases", "agencies", "feedback"), (query, today.isoformat()))
                if request.args.get("signal") else fragments.Fragment("case-list", ("cases", "agencies"), (query,)))
    try:
        listing = fragments.cached(fragment, lambda: _listing(page_number, today, now))
    except _FiltersRefused as refused:
        return render_template("cases/index.html", listing=refused.listing, refused=True), 400
    return render_template("cases/index.html", listing=listing, refused=False)


class _FiltersRefused(Exception):
    """The filters did not validate: the listing with their errors, never kept as a fragment."""

    def __init__(self, listing: str) -> None:
        self.listing = Markup(listing)  # noqa: S704 - a rendered template


def _listing(page_number: int, today: date, now: datetime) -> str:
    locale = str(get_locale())
    form = CaseFilterForm.from_query(request.args)
    form.set_choices(list_active_agencies(db.session), case_queries.list_sectors(db.session),
                     case_queries.list_years(db.session), locale,
                     signals=[(code, str(definition.title))
                              for code, definition in procurement_signals.DEFINITIONS.items()])
    if request.args and not form.validate():
        raise _FiltersRefused(render_template("cases/_listing.html", form=form, page=None, active=[]))
    signal = form.signal.data or None
    filters = case_queries.CaseFilters(
        agency=form.agency.data or None, sector=form.sector.data or None,
        status=form.status.data or None, kind=form.kind.data or None,
        year=int(form.year.data) if form.year.data else None,
        min_value=form.amount(form.min_value), max_value=form.amount(form.max_value),
        best=bool(form.best.data), q=form.q.data or None, sort=form.sort.data or "recent",
        among=procurement_signals.candidate_case_ids(signal, today=today, now=now) if signal else None,
    )
    per_page = current_app.config["CASES_PER_PAGE"]
    if signal:
        page = _with_signal(signal, filters, page_number, per_page, today, now)
    else:
        page = case_queries.list_published_cases(db.session, filters, page=page_number, per_page=per_page)
    if page_number > 1 and page_number > page.pages:
        abort(404)
    return render_template("cases/_listing.html", form=form, page=page, active=_active_filters(form))


def _with_signal(signal: str, filters: case_queries.CaseFilters, page_number: int, per_page: int,
                 today: date, now: datetime) -> Page:
    """The page of the cases matching ``filters`` that show ``signal``: the candidates found in SQL,
    decided by the rule their case pages follow, then paged in the list's order. A fixed number of
    queries whatever the number of cases."""
    candidates = case_queries.list_published_case_ids(db.session, filters)
    showing = procurement_signals.cases_with_signal(db.session, signal, candidates, today=today, now=now)
    return case_queries.page_of_cases(db.session, [case_id for case_id in candidates if case_id in showing],
                                      page=page_number, per_page=per_page)


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
    if form.signal.data:
        title = next(str(choice.label) for choice in form.signal.choices if choice.value == form.signal.data)
        shown.append(ActiveFilter(str(form.signal.label.text), title, _without(form.signal.name)))
    return shown


def _without(name: str) -> str:
    """This address of /cases without the filter ``name`` (and back on the first page)."""
    kept = [(key, value) for key, value in request.args.items(multi=True) if key not in (name, "page")]
    return url_for("case_list.index") + ("?" + urlencode(kept) if kept else "")
