"""The words shown for feedback codes, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from civic.core.labels import label as label  # the one reader of every table here

STATUSES = {
    "received": _l("Received"),
    "in_progress": _l("In progress"),
    "answered": _l("Answered"),
    "closed": _l("Closed"),
}
HIDDEN_REASONS = {
    "spam": _l("spam or advertising"),
    "abuse": _l("abusive or harassing"),
    "personal_data": _l("exposes personal data"),
    "off_topic": _l("off topic"),
    "illegal": _l("unlawful content"),
}
EVENTS = {
    "received": _l("Received and sent to the agency"),
    "status_changed": _l("Status changed"),
    "assigned": _l("Assigned"),
    "answered": _l("Answered by the agency"),
    "forwarded": _l("Forwarded to another agency"),
    "overdue": _l("Deadline passed without an answer"),
    "escalated": _l("Reported to the supervising agency"),
    # Internal only: past the grace period, with no supervising agency and no administrator to tell.
    "escalation_blocked": _l("Could not be reported: no supervising agency or administrator to tell"),
    "withdrawn": _l("Withdrawn by its author"),
    "deadline_moved": _l("Deadline moved by a change of the office calendar"),
    "extended": _l("Deadline extended by the agency"),
    "reopened": _l("Reopened: its author followed up on the answer"),
    "acknowledged": _l("Acknowledged by the agency"),
}

# Whom an escalation reached, as the history says it; %(agency)s is the supervising agency's name.
ESCALATED_TO = {
    "supervisor": _l("Reported to the supervising agency: %(agency)s"),
    "authority": _l("Reported to the integrity authority"),
}
