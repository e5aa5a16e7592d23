"""The open data API under /api/v1 and its page for people at /api: read-only, no login.

Every address is public and shows only public data: published cases and what hangs off them,
comments as tombstones once deleted or hidden, feedback items without internal notes or
assignees. Each view parses its parameters (400 on anything bad), loads, and serializes through
an explicit allowlist. Workshops show their seat counts, never who signed up nor the online link
(that goes to confirmed people only); pledges are public by design.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Blueprint, Response, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from civic.agencies.models import Agency
from civic.api import bulk_files, oc4ids, queries, usage
from civic.api.exports import EXPORTS, Export
from civic.api.pagination import next_url
from civic.api.params import (
    CODE_PATTERN,
    ID_PATTERN,
    SLUG_PATTERN,
    AgencyListQuery,
    AgencyStatsQuery,
    ApiError,
    CaseListQuery,
    CommentListQuery,
    FeedbackListQuery,
    HistoryQuery,
    NoQuery,
    PledgeListQuery,
    PledgeTextListQuery,
    WorkshopListQuery,
    not_found,
    parse,
    window,
)
from civic.api.responses import allow_cross_origin, json_response
from civic.api.serializers import (
    AgencyListSchema,
    AgencySchema,
    AgencyStatsSchema,
    AgencyTombstoneSchema,
    CaseListSchema,
    CaseSchema,
    CaseTombstoneSchema,
    CommentListSchema,
    CommentSchema,
    CommitmentListSchema,
    FeedbackListSchema,
    FeedbackSchema,
    FeedbackTombstoneSchema,
    HistoryListSchema,
    PledgeListSchema,
    PledgeSchema,
    PledgeTextListSchema,
    PledgeTextSchema,
    TombstoneSchema,
    WorkshopListSchema,
    WorkshopSchema,
    dump_listed,
)
from civic.api.spec import Operation, PathParameter, build_document, openapi_path, operation, operations
from civic.cases import history
from civic.cases import queries as case_queries
from civic.cases.models import Case
from civic.commitments import queries as commitment_queries
from civic.core.time import to_taipei, utcnow
from civic.extensions import db, limiter
from civic.feedback import periods
from civic.feedback.tracking import PATTERN as TRACKING_PATTERN
from civic.feedback.tracking import normalize
from civic.integrations.labels import EVENTS as WEBHOOK_EVENTS
from civic.procurement.queries import timelines_of
from civic.web.access import public
from civic.web.errors import error_response

OC4IDS_PROJECT = {"type": "object", "required": ["id"],
                  "description": "One OC4IDS 0.9 project record (project-schema.json of the standard)."}
OC4IDS_PACKAGE = {"type": "object", "required": ["uri", "publisher", "publishedDate", "projects", "version"],
                  "description": "An OC4IDS 0.9 project package (project-package-schema.json of the standard)."}
SLUG = PathParameter("The case's slug, as in /cases/<slug>.", SLUG_PATTERN)
CODE = PathParameter("The agency's code (機關代碼).", CODE_PATTERN)
# The largest id an INTEGER primary key holds on PostgreSQL, and an id no row has.
MAX_ID = 2**31 - 1
NO_ID = 0
# The bulk file formats: media type and what the page calls them.
FORMATS = {
    "csv": ("text/csv", _l("CSV, UTF-8 with a byte-order mark")),
    "jsonl": ("application/jsonl", _l("JSON Lines, one API object per line")),
}
WORKSHOP_ID = PathParameter("The workshop's id, as in /workshops/<id>.", ID_PATTERN)
TRACKING_NUMBER = PathParameter("The tracking number, like F-7K3M-9QXP.", r"^[Ff]-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$")


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


bp = Blueprint("api", __name__)
limiter.limit(rate_limit)(bp)
bp.after_app_request(allow_cross_origin)
# Each GET of the read API that was answered (below 400) is counted per address and day, never who asked
# (civic.api.usage).
bp.record_once(usage.install)
bp.after_request(usage.count)


@bp.errorhandler(ApiError)
def refuse(error: ApiError) -> Response:
    return error_response(error.status, error.message, code=error.code)


# Loading, with 404 for what does not exist or is not public


def _published_case(slug: str) -> Case:
    case = queries.get_published_case(db.session, slug) if re.fullmatch(SLUG_PATTERN, slug) else None
    if case is None:
        raise not_found(_("There is no published case %(slug)s.", slug=slug[:80]))
    return case


def _published_case_id(slug: str) -> int:
    case_id = queries.get_published_case_id(db.session, slug)
    if case_id is None:
        raise not_found(_("There is no published case %(slug)s.", slug=slug[:80]))
    return case_id


def _agency(code: str, *, active: bool) -> Agency:
    agency = queries.get_agency(db.session, code) if re.fullmatch(CODE_PATTERN, code) else None
    if agency is None or (active and not agency.is_active):
        raise not_found(_("There is no agency with the code %(code)s.", code=code[:80]))
    return agency


def _sector_id(code: str) -> int:
    sector_id = queries.get_sector_id(db.session, code)
    if sector_id is None:
        raise not_found(_("There is no sector with the code %(code)s.", code=code[:80]))
    return sector_id


# The page for people


@bp.get("/api")
@public
def index():
    """Explain the API to people, with examples and every address."""
    listed = [(openapi_path(rule), definition) for rule, definition in operations(current_app)]
    figures = usage.figures(db.session, to_taipei(utcnow()).date())
    return render_template("api/index.html", operations=listed, exports=EXPORTS.values(), formats=FORMATS,
                           usage=figures, webhook_events=WEBHOOK_EVENTS)


# The document


@bp.get("/api/v1/openapi.json")
@public
@operation(Operation(summary=_l("This OpenAPI 3.1 description of the API"), tag="meta",
                     response={"type": "object"}))
def openapi():
    """The OpenAPI 3.1 document, built from the definitions the views run on."""
    parse(NoQuery)
    document = current_app.extensions.get("civic.api.openapi")
    if document is None:
        document = current_app.extensions["civic.api.openapi"] = build_document(current_app)
    return json_response(document)


# Cases


@bp.get("/api/v1/cases")
@public
@operation(Operation(summary=_l("Published cases with every public field"), tag="cases",
                     query=CaseListQuery, response=CaseListSchema, may_not_find=True))
def cases():
    """Published cases in the order they last changed, filtered, a page at a time; with
    updated_since, unpublished ones as tombstones."""
    args = parse(CaseListQuery)
    case_filter = queries.CaseFilter(
        agency_id=_agency(args["agency"], active=False).id if "agency" in args else None,
        sector_id=_sector_id(args["sector"]) if "sector" in args else None,
        status=args.get("status"), kind=args.get("kind"), best=args.get("best"), signal=args.get("signal"))
    now = utcnow()
    rows, page = queries.list_cases(db.session, case_filter, window(args), now=now)
    records = queries.case_records(db.session, rows, now=now)
    return json_response({"data": dump_listed(records, CaseSchema, CaseTombstoneSchema),
                          "next": next_url(page.next)})


@bp.get("/api/v1/cases/<slug>")
@public
@operation(Operation(summary=_l("One published case"), tag="cases", response=CaseSchema, path={"slug": SLUG}))
def case(slug: str):
    """One published case with every public field, its tenders and its risk signals."""
    parse(NoQuery)
    return json_response(CaseSchema().dump(queries.case_record(db.session, _published_case(slug), now=utcnow())))


@bp.get("/api/v1/cases/<slug>/history")
@public
@operation(Operation(
    summary=_l("Every change ever made to a published case and its parts, oldest first, as a hash chain"),
    description=_l("Each entry's hash is the SHA-256 of the entry without its hash key, serialized as JSON with "
                   "sorted keys, the separators , and : and non-ASCII characters as they are; previous_hash "
                   "links it to the entry before. head is the newest entry's hash."),
    tag="cases", query=HistoryQuery, response=HistoryListSchema, path={"slug": SLUG}))
def case_history(slug: str):
    """The case's public record: every entry with its hash, a page at a time, and the chain's head."""
    args = parse(HistoryQuery)
    case_id = _published_case_id(slug) if re.fullmatch(SLUG_PATTERN, slug) else None
    if case_id is None:
        raise not_found(_("There is no published case %(slug)s.", slug=slug[:80]))
    page = queries.list_history(db.session, case_id, window(args))
    return json_response({"data": [history.public(row[0]) for row in page.rows], "next": next_url(page.next),
                          "head": case_queries.get_history_head(db.session, case_id)})


@bp.get("/api/v1/cases/<slug>/oc4ids")
@public
@operation(Operation(summary=_l("One published case as an OC4IDS project record"), tag="oc4ids",
                     response=OC4IDS_PROJECT, path={"slug": SLUG}))
def case_oc4ids(slug: str):
    """The case as one OC4IDS project record."""
    parse(NoQuery)
    case = _published_case(slug)
    return json_response(oc4ids.project(case, timelines_of(db.session, case)))


@bp.get("/api/v1/oc4ids.json")
@public
@operation(Operation(summary=_l("Every published case as an OC4IDS project package (streamed)"), tag="oc4ids",
                     response=OC4IDS_PACKAGE, conditional=False))
def oc4ids_package():
    """Every published case as one OC4IDS project package: the built file, else written while it is read."""
    parse(NoQuery)
    return bulk_files.answer("oc4ids.json", db.session)


@bp.get("/api/v1/oc4ids.json.gz")
@public
@operation(Operation(summary=_l("%(name)s compressed with gzip", name="oc4ids.json"), tag="oc4ids",
                     response={"type": "string"}, media_type=bulk_files.GZIP, conditional=False))
def oc4ids_package_gz():
    """The OC4IDS project package, gzipped."""
    parse(NoQuery)
    return bulk_files.answer("oc4ids.json", db.session, gzipped=True)


# Agencies


@bp.get("/api/v1/agencies")
@public
@operation(Operation(summary=_l("Agencies"), tag="agencies", query=AgencyListQuery, response=AgencyListSchema))
def agencies():
    """Every agency (closed ones too, with is_active false), in the order they last changed; with
    updated_since, codes that no longer name an agency as tombstones."""
    args = parse(AgencyListQuery)
    rows, page = queries.list_agencies(db.session, window(args))
    return json_response({"data": dump_listed(rows, AgencySchema, AgencyTombstoneSchema),
                          "next": next_url(page.next)})


@bp.get("/api/v1/agencies/<code>/stats")
@public
@operation(Operation(summary=_l("An agency's accountability figures"), tag="agencies",
                     query=AgencyStatsQuery, response=AgencyStatsSchema, path={"code": CODE}))
def agency_stats(code: str):
    """How the agency answers the public, as on its page: received, answered, on time, by month."""
    args = parse(AgencyStatsQuery)
    agency = _agency(code, active=True)
    period = periods.parse(args.get("period"))
    return json_response(AgencyStatsSchema().dump(queries.agency_stats(db.session, agency, utcnow(), period)))


# Comments and feedback


@bp.get("/api/v1/comments")
@public
@operation(Operation(summary=_l("Public comments with the agencies' official answers"), tag="comments",
                     query=CommentListQuery, response=CommentListSchema, may_not_find=True))
def comments():
    """Comments on published cases in the order they changed: deleted and hidden ones without their
    words, or with updated_since as tombstones."""
    args = parse(CommentListQuery)
    case_id = _published_case_id(args["case"]) if "case" in args else None
    rows, page = queries.list_comments(db.session, case_id, window(args))
    return json_response({"data": dump_listed(rows, CommentSchema, TombstoneSchema), "next": next_url(page.next)})


@bp.get("/api/v1/feedback")
@public
@operation(Operation(summary=_l("Feedback items: the status, answer and public history of each piece of input"),
                     tag="comments", query=FeedbackListQuery, response=FeedbackListSchema, may_not_find=True))
def feedback_items():
    """Items whose comment is public, in the order they last changed; with updated_since, those
    whose comment was hidden or deleted as tombstones."""
    args = parse(FeedbackListQuery)
    case_id = _published_case_id(args["case"]) if "case" in args else None
    agency_id = _agency(args["agency"], active=False).id if "agency" in args else None
    rows, page = queries.list_feedback(db.session, case_id, agency_id, window(args))
    return json_response({"data": dump_listed(rows, FeedbackSchema, FeedbackTombstoneSchema),
                          "next": next_url(page.next)})


@bp.get("/api/v1/feedback/<tracking_number>")
@public
@operation(Operation(summary=_l("Status and public history of one piece of input"), tag="comments",
                     response=FeedbackSchema, path={"tracking_number": TRACKING_NUMBER}))
def feedback(tracking_number: str):
    """One feedback item: status, dates, the answer and the public steps of its history."""
    parse(NoQuery)
    number = normalize(tracking_number)
    row = queries.get_feedback(db.session, number) if TRACKING_PATTERN.fullmatch(number) else None
    if row is None:
        raise not_found(_("No item has the tracking number %(number)s. Check it and try again.",
                          number=tracking_number[:80]))
    return json_response(FeedbackSchema().dump(row))


# Workshops and pledges


@bp.get("/api/v1/workshops")
@public
@operation(Operation(summary=_l("Workshops with their seats, never who signed up"), tag="workshops",
                     query=WorkshopListQuery, response=WorkshopListSchema, may_not_find=True))
def workshops():
    """Every workshop (cancelled ones too) in the order they last changed: seats, never attendees."""
    args = parse(WorkshopListQuery)
    agency_id = _agency(args["agency"], active=False).id if "agency" in args else None
    case_id = _published_case_id(args["case"]) if "case" in args else None
    page = queries.list_workshops(db.session, agency_id, case_id, window(args))
    return json_response({"data": WorkshopSchema(many=True).dump([row[0] for row in page.rows]),
                          "next": next_url(page.next)})


@bp.get("/api/v1/workshops/<workshop_id>")
@public
@operation(Operation(summary=_l("One workshop"), tag="workshops", response=WorkshopSchema,
                     path={"workshop_id": WORKSHOP_ID}))
def workshop(workshop_id: str):
    """One workshop's public fields and seat counts."""
    parse(NoQuery)
    found = None
    if re.fullmatch(ID_PATTERN, workshop_id) and int(workshop_id) <= MAX_ID:
        found = queries.get_workshop(db.session, int(workshop_id))
    if found is None:
        raise not_found(_("There is no workshop %(id)s.", id=workshop_id[:80]))
    return json_response(WorkshopSchema().dump(found))


@bp.get("/api/v1/pledges")
@public
@operation(Operation(summary=_l("Integrity pledges signed by companies"), tag="pledges",
                     query=PledgeListQuery, response=PledgeListSchema, may_not_find=True))
def pledges():
    """Every pledge (withdrawn ones too) in the order they last changed, of one company or one case."""
    args = parse(PledgeListQuery)
    case_id = _published_case_id(args["case"]) if "case" in args else None
    company_id = None
    if "ubn" in args:
        # A company nobody knows has signed nothing: an empty list, as for one without pledges.
        company_id = queries.get_company_id(db.session, args["ubn"]) or NO_ID
    page = queries.list_pledges(db.session, company_id, case_id, window(args))
    return json_response({"data": PledgeSchema(many=True).dump([row[0] for row in page.rows]),
                          "next": next_url(page.next)})


@bp.get("/api/v1/pledge-texts")
@public
@operation(Operation(summary=_l("Every version of the pledge texts, word for word, with their hashes"),
                     tag="pledges", query=PledgeTextListQuery, response=PledgeTextListSchema))
def pledge_texts():
    """Every version of the general pledge text and of the published cases' own, with the hash
    a pledge names it by, so that anyone can check which words were signed."""
    args = parse(PledgeTextListQuery)
    rows, page = queries.list_pledge_texts(db.session, window(args))
    return json_response({"data": dump_listed(rows, PledgeTextSchema, TombstoneSchema), "next": next_url(page.next)})


# The action plan's commitments


@bp.get("/api/v1/commitments")
@public
@operation(Operation(summary=_l("The Open Government action plan's commitments: targets and progress by year"),
                     tag="commitments", response=CommitmentListSchema))
def commitments():
    """Every commitment with its measure, its targets by year against the values the data shows, and its
    milestones."""
    parse(NoQuery)
    progress = commitment_queries.list_progress(db.session, utcnow())
    return json_response(CommitmentListSchema().dump({"data": progress}))


# Bulk files


def _export_view(export: Export, fmt: str, *, gzipped: bool = False) -> Callable[[], Response]:
    mimetype, _label = FORMATS[fmt]
    name = f"{export.entity}.{fmt}"

    def view() -> Response:
        parse(NoQuery)
        return bulk_files.answer(name, db.session, gzipped=gzipped)

    view.__doc__ = f"Send {name}{'.gz' if gzipped else ''}: the built file, else written while it is read."
    columns = ", ".join(column.name for column in export.columns)
    description = (f"Columns, in this order: {columns}." if fmt == "csv"
                   else "Each line is the object the list address gives.")
    if gzipped:
        return operation(Operation(summary=_l("%(name)s compressed with gzip", name=name), description=description,
                                   tag="bulk", response={"type": "string"}, media_type=bulk_files.GZIP,
                                   conditional=False))(view)
    return operation(Operation(summary=export.summary, description=description, tag="bulk",
                               response={"type": "string"}, media_type=mimetype, conditional=False))(view)


for _export in EXPORTS.values():
    for _format in FORMATS:
        bp.add_url_rule(f"/api/v1/export/{_export.entity}.{_format}", endpoint=f"export_{_export.entity}_{_format}",
                        view_func=public(_export_view(_export, _format)), methods=["GET"])
        bp.add_url_rule(f"/api/v1/export/{_export.entity}.{_format}.gz",
                        endpoint=f"export_{_export.entity}_{_format}_gz",
                        view_func=public(_export_view(_export, _format, gzipped=True)), methods=["GET"])
