"""Words for the scopes and statuses of tokens, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from civic.integrations.models import ApiScope, TokenStatus

SCOPES = {
    ApiScope.cases_write: _l("Update your agency's cases and their parts"),
    ApiScope.feedback_answer: _l("Answer public feedback"),
    ApiScope.workshops_write: _l("Manage workshops"),
}

STATUSES = {
    TokenStatus.active: _l("Active"),
    TokenStatus.expired: _l("Expired"),
    TokenStatus.revoked: _l("Revoked"),
}
