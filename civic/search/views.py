"""The search page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from civic.agencies.queries import list_active_agencies
from civic.cases import queries as case_queries
from civic.core.time import from_taipei_local
from civic.extensions import db
from civic.search import queries
from civic.search.forms import SearchForm
from civic.web.paging import requested_page

bp = Blueprint("search", __name__)


def _day(text: str | None) -> datetime | None:
    return from_taipei_local(datetime.combine(date.fromisoformat(text), datetime.min.time())) if text else None


@bp.get("/search")
def index():
    """Full-text search over cases, comments and official answers."""
    locale = str(get_locale())
    form = SearchForm(MultiDict(request.args))
    form.agency.choices = [SelectChoice("", "")] + [SelectChoice(a.code, a.name(locale))
                                                     for a in list_active_agencies(db.session)]
    form.sector.choices = [SelectChoice("", "")] + [SelectChoice(s.code, s.name(locale))
                                                     for s in case_queries.list_sectors(db.session)]
    page = requested_page()
    if not form.q.data:
        return render_template("search/index.html", form=form, results=None)
    valid = form.validate() and page is not None
    since = until = None
    try:
        since, until = _day(form.since.data), _day(form.until.data)
    except ValueError:
        form.since.errors = [*form.since.errors, _("Enter a real date, like 2024-03-19.")]
        valid = False
    if not valid:
        return render_template("search/index.html", form=form, results=None), 400
    filters = queries.SearchFilters(
        q=form.q.data, kind=form.kind.data or None, agency=form.agency.data or None,
        sector=form.sector.data or None, procurement_kind=form.procurement_kind.data or None,
        since=since, until=until + timedelta(days=1) if until else None)
    return render_template("search/index.html", form=form, results=queries.search(db.session, filters,
                                                                                  page=page))
