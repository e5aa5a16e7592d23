"""The words shown for the codes stored on cases, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PROCUREMENT_KINDS = {
    "works": _l("Works (工程)"),
    "goods": _l("Goods (財物)"),
    "services": _l("Services (勞務)"),
}
STATUSES = {
    "identification": _l("Identification"),
    "preparation": _l("Preparation"),
    "tendering": _l("Tendering"),
    "implementation": _l("Implementation"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "suspended": _l("Suspended"),
}
REVIEW_STATES = {
    "submitted": _l("Waiting for review"),
    "returned": _l("Returned for changes"),
    "rejected": _l("Rejected"),
    "published": _l("Published"),
}
MEMBER_ROLES = {
    "agency": _l("Procuring agency"),
    "integrity_unit": _l("Integrity unit"),
    "prosecutor": _l("Prosecutor"),
    "auditor": _l("Auditor"),
    "expert": _l("Expert"),
    "civil_society": _l("Civil society"),
}
RISK_STAGES = {
    "planning": _l("Planning"),
    "tendering": _l("Tendering"),
    "award": _l("Award"),
    "contract_implementation": _l("Contract implementation"),
}
RISK_LEVELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
RISK_STATUSES = {"open": _l("Open"), "mitigating": _l("Being mitigated"), "closed": _l("Closed")}
MILESTONE_TYPES = {
    "preProcurement": _l("Pre-procurement"),
    "approval": _l("Approval"),
    "engagement": _l("Public engagement"),
    "assessment": _l("Assessment"),
    "delivery": _l("Delivery"),
    "reporting": _l("Reporting"),
    "financing": _l("Financing"),
    "payment": _l("Payment"),
    "procurement": _l("Procurement"),
    "contractClose": _l("Contract close"),
}
DOCUMENT_TYPES = {
    "feasibilityStudy": _l("Feasibility study"),
    "projectPlan": _l("Project plan"),
    "procurementPlan": _l("Procurement plan"),
    "tenderNotice": _l("Tender notice"),
    "biddingDocuments": _l("Bidding documents"),
    "evaluationReports": _l("Evaluation report"),
    "awardNotice": _l("Award notice"),
    "contractSigned": _l("Signed contract"),
    "physicalProgressReport": _l("Progress report"),
    "financialProgressReport": _l("Financial report"),
    "environmentalImpact": _l("Environmental impact assessment"),
    "hearingNotice": _l("Public hearing notice"),
    "completionCertificate": _l("Completion certificate"),
    "conflictOfInterest": _l("Conflict of interest"),
    "complaints": _l("Complaints and decisions"),
}
REVISION_ACTIONS = {
    "applied": _l("Application submitted"),
    "resubmitted": _l("Application sent again"),
    "published": _l("Published"),
    "returned": _l("Returned for changes"),
    "rejected": _l("Rejected"),
    "updated": _l("Details changed"),
    "featured": _l("Chosen as best practice"),
    "unfeatured": _l("No longer best practice"),
    "member.added": _l("Member added"),
    "member.updated": _l("Member changed"),
    "member.removed": _l("Member removed"),
    "meeting.added": _l("Meeting added"),
    "meeting.updated": _l("Meeting changed"),
    "meeting.removed": _l("Meeting removed"),
    "risk.added": _l("Risk added"),
    "risk.updated": _l("Risk changed"),
    "risk.removed": _l("Risk removed"),
    "milestone.added": _l("Milestone added"),
    "milestone.updated": _l("Milestone changed"),
    "milestone.removed": _l("Milestone removed"),
    "document.added": _l("Document added"),
    "document.updated": _l("Document changed"),
    "document.removed": _l("Document removed"),
    "contract.added": _l("Contract added"),
    "contract.updated": _l("Contract changed"),
    "contract.removed": _l("Contract removed"),
    "recorded": _l("Recorded as it stood when the public record began"),
}
FIELD_NAMES = {
    "title_zh": _l("Title (Chinese)"),
    "title_en": _l("Title (English)"),
    "slug": _l("Web address"),
    "sector": _l("Sector"),
    "procurement_kind": _l("Procurement kind"),
    "status": _l("Status"),
    "county": _l("County or city"),
    "address": _l("Address"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "budget_ntd": _l("Budget"),
    "contract_value_ntd": _l("Contract value"),
    "summary_zh": _l("Summary (Chinese)"),
    "summary_en": _l("Summary (English)"),
    "platform_established_on": _l("Platform set up on"),
    "review_state": _l("Publication"),
    "is_best_practice": _l("Best practice"),
    "best_practice_reason_zh": _l("Why best practice (Chinese)"),
    "best_practice_reason_en": _l("Why best practice (English)"),
    "name": _l("Name"),
    "organisation": _l("Organisation"),
    "role": _l("Role on the platform"),
    "held_on": _l("Date held"),
    "title": _l("Title"),
    "place": _l("Place"),
    "attendees": _l("Attendees"),
    "agenda": _l("Agenda"),
    "statements": _l("Statements"),
    "decisions": _l("Decisions"),
    "follow_ups": _l("Follow-ups"),
    "stage": _l("Procurement stage"),
    "risk": _l("Risk"),
    "likelihood": _l("Likelihood"),
    "impact": _l("Impact"),
    "mitigation": _l("How it is kept in check"),
    "owner": _l("Who is responsible"),
    "milestone_type": _l("Type"),
    "planned_on": _l("Planned date"),
    "actual_on": _l("Actual date"),
    "url": _l("Web address"),
    "document_type": _l("Type"),
    "tender_number": _l("Tender number"),
    "supplier_ubn": _l("Supplier's unified business number"),
    "award_value_ntd": _l("Award value"),
    "awarded_on": _l("Awarded on"),
    "item": _l("Item"),
}


def label(table: dict, code: str | None) -> str:
    """The label of ``code`` in ``table``, or the code itself when unknown."""
    if not code:
        return ""
    return str(table.get(code, code))
