"""The search page."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from civic.agencies.queries import list_active_agencies
from civic.cases import queries as case_queries
from civic.core.time import start_of_taipei_day
from civic.extensions import db
from civic.search import queries
from civic.search.forms import SearchForm
from civic.web.access import public
from civic.web.paging import requested_page

bp = Blueprint("search", __name__)


@bp.get("/search")
@public
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
    if not valid:
        return render_template("search/index.html", form=form, results=None), 400
    filters = queries.SearchFilters(
        q=form.q.data, kind=form.kind.data or None, agency=form.agency.data or None,
        sector=form.sector.data or None, procurement_kind=form.procurement_kind.data or None,
        since=start_of_taipei_day(since) if (since := form.since.data) else None,
        until=start_of_taipei_day(until + timedelta(days=1)) if (until := form.until.data) else None)
    return render_template("search/index.html", form=form, results=queries.search(db.session, filters,
                                                                                  page=page))
