"""The words for a consultation's status, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUSES = {"open": _l("Waiting for an answer"), "answered": _l("Answered")}
