"""Public case pages: the list with filters and one case with every section."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from civic.agencies.queries import list_active_agencies
from civic.cases import completeness, labels, permissions, queries
from civic.cases.forms import CaseFilterForm
from civic.cases.models import Case
from civic.cases.regions import county_name
from civic.core.money import format_ntd, format_ntd_exact
from civic.extensions import db
from civic.web import page_cache
from civic.web.access import require
from civic.web.paging import requested_page

bp = Blueprint("cases", __name__)


@bp.app_template_global()
def case_label(table: str, code: str | None) -> str:
    """The label of a stored code, e.g. case_label('STATUSES', case.status)."""
    return labels.label(getattr(labels, table), code)


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
@page_cache.public
def index():
    """Every published case, filtered, sorted and paginated."""
    locale = str(get_locale())
    form = CaseFilterForm(MultiDict(request.args))
    form.set_choices(list_active_agencies(db.session), queries.list_sectors(db.session),
                     queries.list_years(db.session), locale)
    page_number = requested_page() or abort(400)
    if request.args and not form.validate():
        return render_template("cases/index.html", form=form, page=None), 400
    filters = queries.CaseFilters(
        agency=form.agency.data or None, sector=form.sector.data or None,
        status=form.status.data or None, kind=form.kind.data or None,
        year=int(form.year.data) if form.year.data else None,
        min_value=form.min_value.data, max_value=form.max_value.data,
        best=bool(form.best.data), q=form.q.data or None, sort=form.sort.data or "recent",
    )
    page = queries.list_published_cases(db.session, filters, page=page_number,
                                        per_page=current_app.config["CASES_PER_PAGE"])
    if page_number > 1 and page_number > page.pages:
        abort(404)
    return render_template("cases/index.html", form=form, page=page)


def render_case(case: Case, *, status: int = 200, **extra):
    """The case page, also used by other domains to show a form of theirs again with errors."""
    page = render_template(
        "cases/detail.html",
        case=case,
        assessment=completeness.assess(case),
        revisions=queries.list_revisions(db.session, case),
        can_edit=permissions.can_edit(current_user, case),
        can_feature=permissions.can_feature(current_user),
        **extra,
    )
    return page, status


@bp.get("/cases/<slug>")
@page_cache.public
def detail(slug: str):
    """One case: the structured disclosure and every part, its change history and its thread."""
    case = queries.get_case_with_parts(db.session, slug) or abort(404)
    require(permissions.can_view(current_user, case), status=404)
    return render_case(case)
