"""Words for the scopes and statuses of tokens, and for webhooks' events and deliveries, in the page's
language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from civic.integrations.models import ApiScope, DeliveryStatus, DisabledReason, TokenStatus
from civic.notifications.models import EventName

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

# The events a hook may ask for, in the order the form offers them (every EventName has words here).
EVENTS = {
    EventName.case_changed: _l("A published case or one of its parts changed"),
    EventName.answer_published: _l("An agency published its answer to feedback"),
    EventName.comment_posted: _l("A comment was posted on a published case"),
    EventName.feedback_overdue: _l("Feedback passed its deadline unanswered"),
    EventName.workshop_opened: _l("A workshop opened for sign-up"),
    EventName.pledge_signed: _l("A company signed an integrity pledge"),
    EventName.pledge_withdrawn: _l("A company withdrew its pledge"),
}

DELIVERY_STATUSES = {
    DeliveryStatus.pending: _l("Waiting"),
    DeliveryStatus.sending: _l("Sending"),
    DeliveryStatus.delivered: _l("Delivered"),
    DeliveryStatus.failed: _l("Failed"),
}

DISABLED_REASONS = {
    DisabledReason.owner: _l("Turned off by you"),
    DisabledReason.failures: _l("Turned off after repeated failed deliveries"),
}

# What went wrong with a try, by the code the sender stores before any detail ("address", "http: 500").
DELIVERY_ERRORS = {
    "http": _l("The receiver answered with an error status"),
    "redirect": _l("The receiver answered with a redirect, which is not followed"),
    "timeout": _l("The receiver did not answer in time"),
    "connection": _l("Could not connect to the receiver"),
    "tls": _l("The receiver's certificate could not be verified"),
    # A host that cannot be found and one that is not public read the same: the log tells nothing of
    # the sender's own network (the detail goes to the server's log only).
    "address": _l("This address cannot receive webhooks: it must be a public https address."),
    "disabled": _l("Not sent: the webhook was turned off"),
}
