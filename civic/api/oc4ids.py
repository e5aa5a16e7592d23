"""OC4IDS project records built from the structured case, and the streamed project package.

Follows OC4IDS 0.9 (../shared/standards/oc4ids/). Where the standard has no field, the platform's
members become parties (independentMonitor), and its meetings and risk register become documents
("minutes", "riskProvisions") whose descriptions carry the statements, decisions and mitigations.
Texts are written in Traditional Chinese whatever the visitor's language: the record declares
``language: zh-Hant``. Builds dictionaries only; never reads the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Any

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from civic.cases import labels
from civic.cases.models import Case, CaseStatus, Meeting, MemberRole, ProcurementKind, RiskItem
from civic.cases.regions import county_name
from civic.core.time import TAIPEI, to_taipei

# Our project identifier prefix: "oc4ids-" and six characters, as OC4IDS prefixes are. A
# placeholder until one is registered with the Open Contracting Partnership.
PREFIX = "oc4ids-civctw-"
VERSION = "0.9"
LANGUAGE = "zh-Hant"
CURRENCY = "TWD"
# Companies are identified by their 統一編號, registered with the Ministry of Economic Affairs.
SUPPLIER_SCHEME = "TW-MOEA"
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


def _parties(case: Case) -> list[dict[str, Any]]:
    parties = [{**_agency_party(case), "roles": ["publicAuthority", "procuringEntity"]}]
    seen: set[str] = set()
    for contract in case.contracts:
        company = contract.company
        if company.ubn in seen:
            continue
        seen.add(company.ubn)
        parties.append({
            "id": f"{SUPPLIER_SCHEME}-{company.ubn}", "name": company.name,
            "identifier": {"scheme": SUPPLIER_SCHEME, "id": company.ubn, "legalName": company.name},
            "roles": ["supplier"],
        })
    monitors: dict[str, dict[str, Any]] = {}
    for member in case.members:
        if member.role in MONITOR_ROLES and member.organisation not in monitors:
            digest = hashlib.sha256(member.organisation.encode()).hexdigest()[:12]
            monitors[member.organisation] = {"id": f"monitor-{digest}", "name": member.organisation,
                                             "roles": ["independentMonitor"]}
    return parties + list(monitors.values())


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


def _contracting_processes(case: Case) -> list[dict[str, Any]]:
    closed = case.status in (CaseStatus.completed, CaseStatus.cancelled)
    processes = []
    for contract in case.contracts:
        summary: dict[str, Any] = {"title": contract.title}
        _put(summary, "externalReference", contract.tender_number)
        if case.procurement_kind == ProcurementKind.works:
            summary["nature"] = ["construction"]
        summary["status"] = "closed" if closed else "active"
        summary["tender"] = {"procuringEntity": _agency_party(case)}
        summary["suppliers"] = [{"id": f"{SUPPLIER_SCHEME}-{contract.company.ubn}", "name": contract.company.name}]
        summary["contractValue"] = _value(contract.award_value_ntd)
        processes.append({"id": f"contract-{contract.id}", "summary": summary})
    return processes


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
    if case.risks:
        documents.append({"id": "risk-register", "documentType": "riskProvisions", "title": _("Risk register"),
                          "description": "\n".join(_risk_text(risk) for risk in case.risks),
                          "url": f"{page}#risks", "language": LANGUAGE})
    return documents


def _build(case: Case) -> dict[str, Any]:
    record: dict[str, Any] = {"id": project_id(case), "updated": to_taipei(case.updated_at).isoformat(),
                              "language": LANGUAGE, "title": case.title_zh}
    _put(record, "description", case.summary_zh)
    record["status"] = STATUSES.get(CaseStatus(case.status), "implementation")
    if case.procurement_kind == ProcurementKind.works:
        record["type"] = "construction"
    record["sector"] = _sectors(case.sector.oc4ids_code)
    _put(record, "period", _period(case))
    if case.budget_ntd is not None:
        record["budget"] = {"amount": _value(case.budget_ntd)}
    record["publicAuthority"] = _agency_party(case)
    record["parties"] = _parties(case)
    _put(record, "locations", _locations(case))
    _put(record, "contractingProcesses", _contracting_processes(case))
    _put(record, "milestones", _milestones(case))
    _put(record, "documents", _documents(case))
    return record


def project(case: Case) -> dict[str, Any]:
    """The case (loaded with its parts) as one OC4IDS project record."""
    with force_locale(DATA_LOCALE):
        return _build(case)


def package(cases: Iterable[Case], *, uri: str, published: datetime, publisher_uri: str) -> Iterator[str]:
    """A project package as JSON text in pieces, one project at a time, for streaming."""
    with force_locale(DATA_LOCALE):
        head = {"uri": uri, "publishedDate": to_taipei(published).isoformat(),
                "publisher": {"name": _("Procurement Integrity Platforms · Public Participation"),
                              "uri": publisher_uri},
                "version": VERSION}
        yield json.dumps(head, ensure_ascii=False)[:-1] + ',"projects":['
        for number, case in enumerate(cases):
            yield ("," if number else "") + json.dumps(_build(case), ensure_ascii=False)
        yield "]}"
