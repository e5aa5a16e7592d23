"""OC4IDS project records built from the structured case, and the streamed project package.

Follows OC4IDS 0.9 (../shared/standards/oc4ids/). Where the standard has no field, the platform's
members become parties (independentMonitor), and its meetings and risk register become documents
("minutes", "riskProvisions") whose descriptions carry the statements, decisions and mitigations.
Each tender the case names on the e-procurement system is a contracting process (merged with the
contracts staff linked to it), each of its announcements a linked release, and its bidders and
winners parties (tenderer, supplier). The budget carries its approval date and one breakdown by
source of funds (each source a funder party); the environmental and land impacts are documents
(environmentalImpact, landAndSettlementImpact); each process carries its contracts' period, scope and
variations (modifications, valued along the chain from the contracts as signed); the completion record
is ``completion``. Risk signals have no place in the standard and are left out.
Texts are written in Traditional Chinese whatever the visitor's language: the record declares
``language: zh-Hant``. Builds dictionaries only; never reads the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Any

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from civic.cases import labels
from civic.cases.models import (
    Case,
    CaseContract,
    CaseStatus,
    ContractVariation,
    FundingSource,
    Meeting,
    MemberRole,
    ProcurementKind,
    RiskItem,
)
from civic.cases.regions import county_name
from civic.core.time import TAIPEI, to_taipei
from civic.procurement.models import Announcement, AnnouncementKind
from civic.procurement.queries import Timeline

# Our project identifier prefix: "oc4ids-" and six characters, as OC4IDS prefixes are. A
# placeholder until one is registered with the Open Contracting Partnership.
PREFIX = "oc4ids-civctw-"
VERSION = "0.9"
LANGUAGE = "zh-Hant"
CURRENCY = "TWD"
# Companies are identified by their 統一編號, registered with the Ministry of Economic Affairs.
SUPPLIER_SCHEME = "TW-MOEA"
UBN = re.compile(r"\d{8}")
DATA_LOCALE = "zh_Hant_TW"

# Our case status -> OC4IDS projectStatus (a closed codelist).
STATUSES = {
    CaseStatus.identification: "identification",
    CaseStatus.preparation: "preparation",
    CaseStatus.tendering: "implementation",
    CaseStatus.implementation: "implementation",
    CaseStatus.completed: "completion",
    CaseStatus.cancelled: "cancelled",
    CaseStatus.suspended: "implementation",
}
# 招標方式 as published -> OCDS method (a closed codelist); another procedure is told in the details only.
METHODS = {"公開招標": "open", "選擇性招標": "selective", "限制性招標": "limited"}
# An announcement's kind -> OCDS releaseTag. Other announcements (撤銷, 定期彙送, ...) are not linked.
RELEASE_TAGS = {
    AnnouncementKind.tender: ["tender"],
    AnnouncementKind.correction: ["tenderAmendment"],
    AnnouncementKind.award: ["award"],
    AnnouncementKind.failed: ["tenderUpdate"],
}
# Platform members from outside the procuring agency watch over the project.
MONITOR_ROLES = frozenset({MemberRole.integrity_unit, MemberRole.prosecutor, MemberRole.auditor,
                           MemberRole.expert, MemberRole.civil_society})


def project_id(case: Case) -> str:
    return PREFIX + case.slug


def _moment(day: date) -> str:
    """A calendar day as the date-time OC4IDS wants: midnight in Taipei."""
    return datetime.combine(day, time(), TAIPEI).isoformat()


def _value(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": CURRENCY}


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` only when there is something to say: OC4IDS frowns on empty strings and lists."""
    if value not in (None, "", [], {}):
        target[key] = value


def _sectors(code: str) -> list[str]:
    """A subsector comes with its parent, as the projectSector codelist asks: transport, transport.rail."""
    parent = code.split(".", 1)[0]
    return [parent, code] if parent != code else [code]


def _agency_party(case: Case) -> dict[str, Any]:
    return {"id": f"agency-{case.agency.code}", "name": case.agency.name_zh}


def _company_id(ubn: str) -> str:
    return f"{SUPPLIER_SCHEME}-{ubn}"


def _company_reference(ubn: str, name: str) -> dict[str, str]:
    return {"id": _company_id(ubn), "name": name}


def _parties(case: Case, timelines: list[Timeline]) -> list[dict[str, Any]]:
    parties = [{**_agency_party(case), "roles": ["publicAuthority", "procuringEntity"]}]
    companies: dict[str, dict[str, Any]] = {}

    def company(ubn: str, name: str, role: str) -> None:
        party = companies.get(ubn)
        if party is None:
            party = companies[ubn] = _company_reference(ubn, name)
            # A foreign bidder carries the e-procurement system's own code, not a 統一編號.
            if UBN.fullmatch(ubn):
                party["identifier"] = {"scheme": SUPPLIER_SCHEME, "id": ubn, "legalName": name}
            party["roles"] = []
        if role not in party["roles"]:
            party["roles"].append(role)

    for contract in case.contracts:
        company(contract.company.ubn, contract.company.name, "supplier")
    for timeline in timelines:
        for announcement in timeline.announcements:
            for named in announcement.companies:
                if named.bid:
                    company(named.ubn, named.name, "tenderer")
                if named.won:
                    company(named.ubn, named.name, "supplier")
    monitors: dict[str, dict[str, Any]] = {}
    for member in case.members:
        if member.role in MONITOR_ROLES and member.organisation not in monitors:
            digest = hashlib.sha256(member.organisation.encode()).hexdigest()[:12]
            monitors[member.organisation] = {"id": f"monitor-{digest}", "name": member.organisation,
                                             "roles": ["independentMonitor"]}
    funders = {party["id"]: {**party, "roles": ["funder"]} for party in map(_funder, case.funding)}
    return parties + list(companies.values()) + list(monitors.values()) + list(funders.values())


def _funder(source: FundingSource) -> dict[str, str]:
    """The organisation a funding source names, as a reference: one party per name."""
    digest = hashlib.sha256(source.source.encode()).hexdigest()[:12]
    return {"id": f"funder-{digest}", "name": source.source}


def _budget(case: Case) -> dict[str, Any]:
    """The budget, when it was approved, and where it comes from (one breakdown, by source)."""
    budget: dict[str, Any] = {}
    if case.budget_ntd is not None:
        budget["amount"] = _value(case.budget_ntd)
    if case.budget_approved_on is not None:
        budget["approvalDate"] = _moment(case.budget_approved_on)
    if case.funding:
        lines = []
        for source in case.funding:
            line: dict[str, Any] = {"id": f"funding-{source.id}", "description": source.source}
            if source.amount_ntd is not None:
                line["amount"] = _value(source.amount_ntd)
            line["sourceParty"] = _funder(source)
            lines.append(line)
        budget["budgetBreakdowns"] = [{"id": "funding", "description": _("Sources of funds"),
                                       "budgetBreakdown": lines}]
    return budget


def _completion(case: Case) -> dict[str, Any]:
    """What the project cost, when it ended and what it delivered; the reasons they differ from the
    plan go with each of them."""
    completion: dict[str, Any] = {}
    if case.completed_on is not None:
        completion["endDate"] = _moment(case.completed_on)
        _put(completion, "endDateDetails", case.completion_changes)
    if case.final_cost_ntd is not None:
        completion["finalValue"] = _value(case.final_cost_ntd)
        _put(completion, "finalValueDetails", case.completion_changes)
    if case.final_scope:
        completion["finalScope"] = case.final_scope
        _put(completion, "finalScopeDetails", case.completion_changes)
    return completion


def _locations(case: Case) -> list[dict[str, Any]]:
    has_point = case.latitude is not None and case.longitude is not None
    if not (case.address or case.county or has_point):
        return []
    address: dict[str, Any] = {"countryName": _("Taiwan")}
    _put(address, "streetAddress", case.address)
    if case.county and case.county != "multiple":
        address["region"] = county_name(case.county, DATA_LOCALE)
    location: dict[str, Any] = {"id": "1", "address": address}
    _put(location, "description", case.address or county_name(case.county, DATA_LOCALE))
    if has_point:
        location["geometry"] = {"type": "Point", "coordinates": [float(case.longitude), float(case.latitude)]}
    return [location]


def _period(case: Case) -> dict[str, str]:
    days = sorted(m.planned_on for m in case.milestones if m.planned_on is not None)
    period: dict[str, str] = {}
    if days:
        period["startDate"] = _moment(days[0])
        if days[-1] != days[0]:
            period["endDate"] = _moment(days[-1])
    return period


def _contracting_processes(case: Case, timelines: list[Timeline]) -> list[dict[str, Any]]:
    closed = case.status in (CaseStatus.completed, CaseStatus.cancelled)
    linked: dict[int, list[CaseContract]] = {}
    processes = []
    for contract in case.contracts:
        tender_id = _tender_of(contract, timelines)
        if tender_id is not None:
            linked.setdefault(tender_id, []).append(contract)
            continue
        summary: dict[str, Any] = {"title": contract.title}
        _put(summary, "externalReference", contract.tender_number)
        if case.procurement_kind == ProcurementKind.works:
            summary["nature"] = ["construction"]
        summary["status"] = "closed" if closed else "active"
        summary["tender"] = {"procuringEntity": _agency_party(case)}
        summary["suppliers"] = [_company_reference(contract.company.ubn, contract.company.name)]
        summary["contractValue"] = _value(contract.award_value_ntd)
        _contract_terms(summary, [contract], case.variations)
        processes.append({"id": f"contract-{contract.id}", "summary": summary})
    tendered = [_tender_process(case, timeline, linked.get(timeline.tender.id, []), closed=closed,
                                variations=case.variations)
                for timeline in timelines]
    return tendered + processes


def _tender_of(contract: CaseContract, timelines: list[Timeline]) -> int | None:
    """The id of the case's tender the contract was awarded under: the one staff linked it to, else
    the one whose case number is the contract's tender number (one process, not two, for one tender)."""
    ids = {timeline.tender.id for timeline in timelines}
    if contract.tender_id is not None:
        return contract.tender_id if contract.tender_id in ids else None
    return next((t.tender.id for t in timelines if contract.tender_number
                 and t.tender.job_number == contract.tender_number), None)


def _latest(announcements: list[Announcement], value: Any) -> Any:
    """The newest announcement's word on something (``value`` of it), skipping those that say nothing."""
    return next((value(a) for a in reversed(announcements) if value(a) not in (None, "")), None)


def _tender_process(case: Case, timeline: Timeline, contracts: list[CaseContract], *,
                    closed: bool, variations: list[ContractVariation]) -> dict[str, Any]:
    """A tender on the e-procurement system with what it announced, and the contracts awarded under it."""
    announcements = timeline.announcements
    awards = [a for a in announcements if a.kind == AnnouncementKind.award]
    summary: dict[str, Any] = {}
    _put(summary, "title", _latest(announcements, lambda a: a.title) or (contracts[0].title if contracts else None))
    summary["externalReference"] = timeline.tender.job_number
    if case.procurement_kind == ProcurementKind.works:
        summary["nature"] = ["construction"]
    summary["status"] = "closed" if closed else "active" if awards or contracts else "pre-award"
    tender: dict[str, Any] = {}
    procedure = _latest(announcements, lambda a: a.procedure)
    _put(tender, "procurementMethod", METHODS.get(procedure or ""))
    _put(tender, "procurementMethodDetails", procedure)
    first = next((a for a in announcements if a.kind == AnnouncementKind.tender), None)
    if first is not None:
        tender["datePublished"] = _moment(first.published_on)
    budget = _latest(announcements, lambda a: a.budget_ntd)
    if budget is not None:
        tender["costEstimate"] = _value(budget)
    bidder_count = _latest(awards, lambda a: a.bidder_count if a.bidder_count is not None else len(a.bidders) or None)
    if bidder_count is not None:
        tender["numberOfTenderers"] = bidder_count
    _put(tender, "tenderers", _references(c for a in announcements for c in a.bidders))
    tender["procuringEntity"] = _agency_party(case)
    summary["tender"] = tender
    _put(summary, "suppliers", _references([*(c for a in awards for c in a.winners),
                                           *(contract.company for contract in contracts)]))
    if contracts:
        summary["contractValue"] = _value(sum(contract.award_value_ntd for contract in contracts))
    else:
        amount = _latest(awards, lambda a: a.award_amount_ntd)
        if amount is not None:
            summary["contractValue"] = _value(amount)
    _contract_terms(summary, contracts, variations)
    process: dict[str, Any] = {"id": f"tender-{timeline.tender.id}", "summary": summary}
    _put(process, "releases", _releases(case, timeline))
    return process


def _contract_period(periods: Iterable[tuple[date | None, date | None]]) -> dict[str, str]:
    """The span of the contracts' periods: the first start, the last end."""
    periods = list(periods)
    starts = [start for start, _end in periods if start is not None]
    ends = [end for _start, end in periods if end is not None]
    period: dict[str, str] = {}
    if starts:
        period["startDate"] = _moment(min(starts))
    if ends:
        period["endDate"] = _moment(max(ends))
    return period


def _contract_terms(summary: dict[str, Any], contracts: list[CaseContract],
                    variations: list[ContractVariation]) -> None:
    """The process's contracts as signed (their scope and period) and their variations, each with the
    process's value and period before and after it, along the chain from the contracts as signed."""
    if not contracts:
        return
    _put(summary, "description", "\n\n".join(contract.scope for contract in contracts if contract.scope))
    _put(summary, "contractPeriod", _contract_period((c.starts_on, c.ends_on) for c in contracts))
    values = {contract.id: contract.award_value_ntd for contract in contracts}
    periods = {contract.id: (contract.starts_on, contract.ends_on) for contract in contracts}
    modifications = []
    for variation in sorted((v for v in variations if v.contract_id in values), key=lambda v: (v.approved_on, v.id)):
        entry: dict[str, Any] = {"id": f"variation-{variation.id}", "date": _moment(variation.approved_on),
                                 "type": variation.kind}
        _put(entry, "description", variation.description)
        _put(entry, "rationale", variation.rationale)
        if variation.new_value_ntd is not None:
            entry["oldContractValue"] = _value(sum(values.values()))
            values[variation.contract_id] = variation.new_value_ntd
            entry["newContractValue"] = _value(sum(values.values()))
        if variation.new_ends_on is not None:
            _put(entry, "oldContractPeriod", _contract_period(periods.values()))
            periods[variation.contract_id] = (periods[variation.contract_id][0], variation.new_ends_on)
            _put(entry, "newContractPeriod", _contract_period(periods.values()))
        modifications.append(entry)
    _put(summary, "modifications", modifications)


def _references(companies: Iterable[Any]) -> list[dict[str, str]]:
    """Each company (anything with a ubn and a name) once, in order, as an OrganizationReference."""
    seen: dict[str, dict[str, str]] = {}
    for company in companies:
        seen.setdefault(company.ubn, _company_reference(company.ubn, company.name))
    return list(seen.values())


def _releases(case: Case, timeline: Timeline) -> list[dict[str, Any]]:
    """Each announcement as a linked release: its file name, stage, date and official page (else the
    tender on the case page: the standard wants an address)."""
    fallback = url_for("case_page.detail", slug=case.slug, _external=True) + f"#tender-{timeline.tender.id}"
    return [{"id": a.filename, "tag": RELEASE_TAGS[AnnouncementKind(a.kind)], "date": _moment(a.published_on),
             "url": a.official_url or fallback}
            for a in timeline.announcements if a.kind in RELEASE_TAGS]


def _milestones(case: Case) -> list[dict[str, Any]]:
    milestones = []
    for milestone in case.milestones:
        entry: dict[str, Any] = {"id": str(milestone.id), "title": milestone.title_zh,
                                 "type": milestone.milestone_type}
        if milestone.planned_on:
            entry["dueDate"] = _moment(milestone.planned_on)
        if milestone.actual_on:
            entry["dateMet"] = _moment(milestone.actual_on)
        entry["status"] = "met" if milestone.actual_on else "scheduled"
        milestones.append(entry)
    return milestones


def _meeting_text(meeting: Meeting) -> str:
    lines = [_("Date: %(date)s", date=meeting.held_on.isoformat())]
    if meeting.place:
        lines.append(_("Place: %(place)s", place=meeting.place))
    if meeting.attendees:
        lines.append(_("Attendees: %(names)s", names="；".join(meeting.attendees)))
    if meeting.agenda:
        lines.append(_("Agenda: %(agenda)s", agenda=meeting.agenda))
    lines.extend(_("Statement by %(speaker)s: %(content)s", speaker=s.speaker, content=s.content)
                 for s in meeting.statements)
    lines.extend(_("Decision %(number)d: %(content)s", number=number, content=d.content)
                 for number, d in enumerate(meeting.decisions, start=1))
    if meeting.follow_ups:
        lines.append(_("Follow-up: %(text)s", text=meeting.follow_ups))
    return "\n".join(lines)


def _risk_text(risk: RiskItem) -> str:
    text = _("%(stage)s: %(risk)s (likelihood %(likelihood)s, impact %(impact)s, %(status)s)",
             stage=labels.label(labels.RISK_STAGES, risk.stage), risk=risk.risk,
             likelihood=labels.label(labels.RISK_LEVELS, risk.likelihood),
             impact=labels.label(labels.RISK_LEVELS, risk.impact),
             status=labels.label(labels.RISK_STATUSES, risk.status))
    if risk.mitigation:
        text = _("%(risk)s. Mitigation: %(mitigation)s", risk=text, mitigation=risk.mitigation)
    return text


def _documents(case: Case) -> list[dict[str, Any]]:
    page = url_for("case_page.detail", slug=case.slug, _external=True)
    documents = []
    for document in case.documents:
        entry: dict[str, Any] = {"id": f"document-{document.id}"}
        _put(entry, "documentType", document.document_type)
        _put(entry, "title", document.title)
        _put(entry, "url", document.url)
        documents.append(entry)
    for meeting in case.meetings:
        documents.append({"id": f"meeting-{meeting.id}", "documentType": "minutes", "title": meeting.title,
                          "description": _meeting_text(meeting), "url": f"{page}#meeting-{meeting.id}",
                          "language": LANGUAGE})
    for key, document_type, title, text in (
            ("environmental-impact", "environmentalImpact", _("Environmental impact"), case.environmental_impact),
            ("land-impact", "landAndSettlementImpact", _("Land and resettlement impact"), case.land_impact)):
        if text:
            documents.append({"id": key, "documentType": document_type, "title": title, "description": text,
                              "url": f"{page}#disclosure", "language": LANGUAGE})
    if case.risks:
        documents.append({"id": "risk-register", "documentType": "riskProvisions", "title": _("Risk register"),
                          "description": "\n".join(_risk_text(risk) for risk in case.risks),
                          "url": f"{page}#risks", "language": LANGUAGE})
    return documents


def _build(case: Case, timelines: list[Timeline]) -> dict[str, Any]:
    record: dict[str, Any] = {"id": project_id(case), "updated": to_taipei(case.updated_at).isoformat(),
                              "language": LANGUAGE, "title": case.title_zh}
    _put(record, "description", case.summary_zh)
    record["status"] = STATUSES.get(CaseStatus(case.status), "implementation")
    if case.procurement_kind == ProcurementKind.works:
        record["type"] = "construction"
    record["sector"] = _sectors(case.sector.oc4ids_code)
    _put(record, "period", _period(case))
    _put(record, "budget", _budget(case))
    record["publicAuthority"] = _agency_party(case)
    record["parties"] = _parties(case, timelines)
    _put(record, "locations", _locations(case))
    _put(record, "contractingProcesses", _contracting_processes(case, timelines))
    _put(record, "milestones", _milestones(case))
    _put(record, "documents", _documents(case))
    _put(record, "completion", _completion(case))
    return record


def project(case: Case, timelines: list[Timeline]) -> dict[str, Any]:
    """The case (loaded with its parts) and its tenders' timelines as one OC4IDS project record."""
    with force_locale(DATA_LOCALE):
        return _build(case, timelines)


def package(cases: Iterable[tuple[Case, list[Timeline]]], *, uri: str, published: datetime,
            publisher_uri: str) -> Iterator[str]:
    """A project package as JSON text in pieces, one project at a time, for streaming; ``cases`` are
    pairs of a case (loaded with its parts) and its tenders' timelines."""
    with force_locale(DATA_LOCALE):
        head = {"uri": uri, "publishedDate": to_taipei(published).isoformat(),
                "publisher": {"name": _("Procurement Integrity Platforms · Public Participation"),
                              "uri": publisher_uri},
                "version": VERSION}
        yield json.dumps(head, ensure_ascii=False)[:-1] + ',"projects":['
        for number, (case, timelines) in enumerate(cases):
            yield ("," if number else "") + json.dumps(_build(case, timelines), ensure_ascii=False)
        yield "]}"
