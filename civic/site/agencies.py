"""Public agency pages: every agency with its cases and its accountability figures for a period,
as a table, CSV and a printable yearly report card."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from civic.agencies.models import Agency
from civic.agencies.queries import get_agency_by_code, list_active_agencies
from civic.cases import disclosure
from civic.cases import queries as case_queries
from civic.cases.queries import AgencyCaseFigures
from civic.core.time import format_month, roc_year, to_taipei, utcnow
from civic.extensions import db
from civic.feedback import figures as feedback_figures
from civic.feedback import periods
from civic.feedback import queries as feedback_queries
from civic.feedback.figures import AgencyFigures
from civic.feedback.periods import BadPeriod, Period
from civic.site.charts import NARROW_WIDTH, monthly_chart, narrow_height
from civic.web import page_cache
from civic.web.access import public
from civic.web.downloads import csv_response

bp = Blueprint("agencies", __name__)

# The columns of /agencies.csv and of each agency's figures.csv (which adds ``month``).
CSV_COLUMNS = ["code", "name_zh", "name_en", "period", "received", "acknowledged_on_time", "answered",
               "answered_on_time", "median_working_days", "overdue_now", "extended", "reopened"]
FIGURE_COLUMNS = CSV_COLUMNS[4:]


def _locale() -> str:
    return str(get_locale() or "zh_Hant_TW")


@bp.app_template_filter("month")
def month_label(key: str) -> str:
    """``YYYY-MM`` as people read a month: 民國 year in Chinese (the chart uses the same)."""
    year, month = key.split("-")
    return format_month(int(year), int(month), _locale())


@bp.app_template_global("narrow_chart_size")
def narrow_chart_size(months: int) -> tuple[int, int]:
    """The width and height of the chart drawn for a phone, for its ``<source>``."""
    return NARROW_WIDTH, narrow_height(months)


@bp.app_template_filter("period_label")
def period_label(period: Period) -> str:
    """All periods, a year or a quarter, in the page's language: 民國 year in Chinese."""
    if period.is_all:
        return _("All periods")
    chinese = _locale().startswith("zh")
    if period.quarter is None:
        return roc_year(period.year) if chinese else str(period.year)
    if chinese:
        return f"{roc_year(period.year)}第{period.quarter}季"
    return f"Q{period.quarter} {period.year}"


def _period() -> tuple[Period, str | None]:
    """The period the address asks for, or everything and a message saying why not."""
    try:
        return periods.parse(request.args.get("period")), None
    except BadPeriod:
        return periods.EVERYTHING, _("There is no such period. Choose all periods, a year such as 2026 or a "
                                     "quarter such as 2026-Q3.")


def _period_or_400() -> Period:
    period, error = _period()
    if error:
        abort(Response(error, status=400, mimetype="text/plain"))
    return period


# Sorting /agencies: every column, ties (and blanks, always last) by agency code.


def _share(count: Callable[[AgencyFigures], int | None]) -> Callable[[AgencyCaseFigures, AgencyFigures], Any]:
    return lambda row, figures: None if figures.too_few_to_compare else count(figures)


SORT_KEYS: dict[str, Callable[[AgencyCaseFigures, AgencyFigures], Any]] = {
    "agency": lambda row, figures: row.agency.code,
    "cases": lambda row, figures: row.cases,
    "completeness": lambda row, figures: row.average_completeness if row.cases else None,
    "received": lambda row, figures: figures.received,
    "acknowledged_on_time": _share(lambda figures: figures.acknowledged_on_time_share),
    "answered": lambda row, figures: figures.answered,
    "answered_on_time": _share(lambda figures: figures.on_time_share),
    "median_working_days": lambda row, figures: figures.median_working_days,
    "overdue_now": lambda row, figures: figures.overdue_now,
    "extended": lambda row, figures: figures.extended,
    "reopened": lambda row, figures: figures.reopened,
}


@dataclass(frozen=True)
class SortHeader:
    url: str
    aria_sort: str | None


def _sorted(rows: list[AgencyCaseFigures], figures: dict[int, AgencyFigures], column: str, descending: bool
            ) -> list[AgencyCaseFigures]:
    key = SORT_KEYS[column]
    by_code = sorted(rows, key=lambda row: row.agency.code)
    known = [row for row in by_code if key(row, figures[row.agency.id]) is not None]
    blank = [row for row in by_code if key(row, figures[row.agency.id]) is None]
    return sorted(known, key=lambda row: key(row, figures[row.agency.id]), reverse=descending) + blank


@bp.get("/agencies")
@public
@page_cache.public(tags=lambda args: ("agencies", "cases", "feedback"))
def index():
    """Every agency's figures for a period (default all), sortable by any column, with its cases."""
    period, error = _period()
    column = request.args.get("sort", "agency")
    column = column if column in SORT_KEYS else "agency"
    descending = request.args.get("dir") == "desc"
    rows = case_queries.agency_case_figures(db.session)
    figures = feedback_figures.agency_figures(db.session, [row.agency.id for row in rows], utcnow(), period)
    choices = feedback_figures.figure_periods(db.session)
    if not period.is_all and period not in choices:
        choices = sorted([*choices, period], key=lambda p: (p.year, p.quarter or 5), reverse=True)
    headers = {}
    for name in SORT_KEYS:
        is_sorted = name == column
        turn = "asc" if not is_sorted or descending else "desc"
        headers[name] = SortHeader(
            url_for("agencies.index", period=period.key, sort=name, dir=turn, _anchor="figures"),
            ("descending" if descending else "ascending") if is_sorted else None)
    return render_template(
        "agencies/index.html", rows=_sorted(rows, figures, column, descending), figures=figures, period=period,
        choices=[periods.EVERYTHING, *choices], error=error, headers=headers,
        column=column, descending=descending,
        few_to_compare=feedback_figures.FEW_TO_COMPARE), 400 if error else 200


def _figure_cells(figures: AgencyFigures) -> list[object]:
    return [figures.received, figures.acknowledged_on_time, figures.answered, figures.answered_on_time,
            figures.median_working_days, figures.overdue_now, figures.extended, figures.reopened]


def _csv(header: list[str], rows: Iterable[list[object]], filename: str) -> Response:
    return csv_response(itertools.chain([header], rows), filename)


@bp.get("/agencies.csv")
@public
@page_cache.public(tags=lambda args: ("agencies", "cases", "feedback"))
def index_csv():
    """Every active agency's figures for a period, one row per agency, by code."""
    period = _period_or_400()
    agencies = list_active_agencies(db.session)
    figures = feedback_figures.agency_figures(db.session, [agency.id for agency in agencies], utcnow(), period)
    return _csv(CSV_COLUMNS, ([agency.code, agency.name_zh, agency.name_en, period.key,
                               *_figure_cells(figures[agency.id])] for agency in agencies),
                f"agencies-{period.key}.csv")


def _agency(code: str) -> Agency:
    agency = get_agency_by_code(db.session, code)
    if agency is None or not agency.is_active:
        abort(404)
    return agency


@bp.get("/agencies/<code>")
@public
@page_cache.public(tags=lambda args: (f"agency:{args['code']}", "agencies"))
def detail(code: str):
    """One agency: its published cases and its accountability figures for a period, by month."""
    agency = _agency(code)
    period, error = _period()
    cases = case_queries.list_published_cases_of_agency(db.session, agency.id)
    average = round(sum(c.completeness for c in cases) / len(cases)) if cases else None
    by_stage = case_queries.agency_disclosure(db.session, agency.id)
    stage_averages = [(stage, by_stage[stage.code]) for stage in disclosure.STAGES]
    figures = feedback_figures.agency_figures_in_detail(db.session, agency.id, utcnow(), period=period)
    this_year = to_taipei(utcnow()).year
    return render_template("agencies/detail.html", agency=agency, cases=cases, average=average,
                           stage_averages=stage_averages,
                           figures=figures, period=period, error=error,
                           choices=[periods.EVERYTHING, *feedback_figures.figure_periods(db.session)],
                           report_years=[this_year, this_year - 1], period_for_year=periods.year,
                           csv_columns=[*CSV_COLUMNS[:4], "month", *FIGURE_COLUMNS],
                           following=_following(agency)), 400 if error else 200


def _following(agency: Agency) -> bool:
    """Whether the signed-in visitor follows ``agency`` (the page's follow button says so)."""
    return current_user.is_authenticated and feedback_queries.get_subscription(
        db.session, current_user.id, agency_id=agency.id) is not None


@bp.get("/agencies/<code>/chart.svg")
@public
@page_cache.public(tags=lambda args: (f"agency:{args['code']}", "agencies"))
def chart(code: str):
    """Items received, and of those answered, per month of a period, as an SVG image;
    ``layout=narrow`` draws it for a phone's width."""
    agency = _agency(code)
    period = _period_or_400()
    layout = request.args.get("layout")
    if layout not in (None, "narrow"):
        abort(Response("layout is narrow or absent", status=400, mimetype="text/plain"))
    figures = feedback_figures.agency_figures_in_detail(db.session, agency.id, utcnow(), period=period)
    svg = monthly_chart(figures, _("Public feedback to %(agency)s by month", agency=agency.name(_locale())),
                        [month_label(month.month) for month in figures.months], narrow=layout == "narrow")
    response = Response(svg, mimetype="image/svg+xml")
    # The SVG carries its own styles; it runs no script and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/agencies/<code>/figures.csv")
@public
@page_cache.public(tags=lambda args: (f"agency:{args['code']}", "agencies"))
def figures_csv(code: str):
    """The agency's figures for a period as CSV: one row for the whole period (month blank), then one
    row per month, each counting the items received in it."""
    agency = _agency(code)
    period = _period_or_400()
    figures = feedback_figures.agency_figures_in_detail(db.session, agency.id, utcnow(), period=period)
    start = [agency.code, agency.name_zh, agency.name_en, period.key]
    rows = [[*start, "", *_figure_cells(figures)]]
    rows += [[*start, month.month, *_figure_cells(month)] for month in figures.months]
    return _csv([*CSV_COLUMNS[:4], "month", *FIGURE_COLUMNS], rows, f"{agency.code}-{period.key}-figures.csv")


@bp.get("/agencies/<code>/report-card/<int:year>")
@public
@page_cache.public(tags=lambda args: (f"agency:{args['code']}", "agencies"))
def report_card(code: str, year: int):
    """A printable report card of one agency's year: its figures, by month, and the answered items."""
    agency = _agency(code)
    try:
        period = periods.year(year)
    except BadPeriod:
        abort(404)
    figures = feedback_figures.agency_figures_in_detail(db.session, agency.id, utcnow(), period=period)
    items = feedback_figures.list_answered_items(db.session, agency.id, period)
    return render_template("agencies/report_card.html", agency=agency, year=year, period=period,
                           figures=figures, items=items, now=utcnow())
