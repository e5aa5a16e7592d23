"""The words shown for workshop and registration codes, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from civic.core.labels import label as label  # the one reader of every table here

WORKSHOP_STATUSES = {
    "scheduled": _l("Scheduled"),
    "cancelled": _l("Cancelled"),
}
REGISTRATION_STATUSES = {
    "confirmed": _l("Seat confirmed"),
    "waitlisted": _l("On the waitlist"),
    "cancelled": _l("Cancelled"),
    "attended": _l("Attended"),
}
