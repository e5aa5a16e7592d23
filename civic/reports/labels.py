"""The words for a report's status, for what an officer did to it, and for where it is routed, in the
page's language. Words only: no report text ever passes through here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from civic.reports.models import ReportStatus

STATUSES = {
    ReportStatus.received: _l("Received"),
    ReportStatus.under_review: _l("Under review"),
    ReportStatus.referred: _l("Referred to the prosecutors"),
    ReportStatus.closed: _l("Closed"),
}

# The actions of the report's own history, as its officers read it.
ACTIONS = {
    "report.read": _l("Report read"),
    "report.attachment_read": _l("Attachment of a report downloaded"),
    "report.status_changed": _l("Status of a report changed"),
    "report.assigned": _l("Report assigned"),
    "report.noted": _l("Internal note added to a report"),
    "report.message_sent": _l("Message sent to the reporter"),
}

# Why the agency's own integrity unit does not read a report, by the reason's code.
NOT_ROUTED = {
    "no_agency": _l("The reporter named no agency: only the integrity authority's officers read it."),
    "withheld": _l("The reporter asked that the agency's own integrity unit not read it: only the integrity "
                   "authority's officers read it."),
    "concerns_unit": _l("It concerns the agency's own integrity unit: only the integrity authority's officers "
                        "read it."),
}
ROUTED = _l("The agency's own integrity unit reads it, as well as the integrity authority's officers.")


def routing(report) -> str:
    """Whether the agency's own integrity unit reads ``report`` and, when it does not, why."""
    if report.routed_to_agency:
        return str(ROUTED)
    if report.agency_id is None:
        return str(NOT_ROUTED["no_agency"])
    if report.concerns_integrity_unit:
        return str(NOT_ROUTED["concerns_unit"])
    return str(NOT_ROUTED["withheld"])
