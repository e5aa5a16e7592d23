"""Why a recipient gets a mail: the reason each message states in its footer.

Callers of ``enqueue`` name one of these; the footer is a whole sentence per reason so that
translators never see a sentence glued from pieces.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class MailReason(StrEnum):
    account = "account"
    feedback_author = "feedback_author"
    comment_author = "comment_author"
    workshop_registration = "workshop_registration"
    invitation = "invitation"
    following_case = "following_case"
    following_agency = "following_agency"
    agency_staff = "agency_staff"
    agency_contact = "agency_contact"
    supervisor_staff = "supervisor_staff"
    supervisor_contact = "supervisor_contact"
    authority = "authority"
    authority_escalation = "authority_escalation"
    applicant_staff = "applicant_staff"
    consultation_authority = "consultation_authority"
    consultation_asker = "consultation_asker"
    report_officer = "report_officer"
    webhook_owner = "webhook_owner"
    app_submitter = "app_submitter"


FOOTERS = {
    # Translators: %(site)s is the site's address, e.g. https://integrity.example.tw.
    MailReason.account: _l("This message was sent by %(site)s about your account there."),
    MailReason.feedback_author: _l(
        "This message was sent by %(site)s because you submitted this feedback with your account there."),
    MailReason.comment_author: _l(
        "This message was sent by %(site)s because you wrote this comment with your account there."),
    MailReason.workshop_registration: _l(
        "This message was sent by %(site)s because this address was used to sign up for the workshop."),
    MailReason.invitation: _l(
        "This message was sent by %(site)s because one of its administrators invited this address."),
    MailReason.following_case: _l(
        "This message was sent by %(site)s because you follow this case there."),
    MailReason.following_agency: _l(
        "This message was sent by %(site)s because you follow this agency there."),
    MailReason.agency_staff: _l(
        "This message was sent by %(site)s because you are staff of the agency responsible for this item."),
    MailReason.agency_contact: _l(
        "This message was sent by %(site)s because this is the contact address of the agency responsible "
        "for this item."),
    MailReason.supervisor_staff: _l(
        "This message was sent by %(site)s because you are staff of the agency that supervises the agency "
        "responsible for this item."),
    MailReason.supervisor_contact: _l(
        "This message was sent by %(site)s because this is the contact address of the agency that supervises "
        "the agency responsible for this item."),
    MailReason.authority: _l(
        "This message was sent by %(site)s because you are an administrator of the integrity authority, "
        "which reviews applications for integrity platforms."),
    MailReason.authority_escalation: _l(
        "This message was sent by %(site)s because you are an administrator of the integrity authority, "
        "which is told of unanswered feedback when no supervising agency can be."),
    MailReason.applicant_staff: _l(
        "This message was sent by %(site)s because you are staff of the agency that applied for this "
        "integrity platform."),
    MailReason.consultation_authority: _l(
        "This message was sent by %(site)s because you are an administrator of the integrity authority, "
        "which answers the questions agency staff ask at its consultation desk."),
    MailReason.consultation_asker: _l(
        "This message was sent by %(site)s because you asked this question at the integrity authority's "
        "consultation desk with your account there."),
    MailReason.report_officer: _l(
        "This message was sent by %(site)s because you are an integrity officer of a unit that reads the "
        "confidential reports routed to it."),
    MailReason.webhook_owner: _l(
        "This message was sent by %(site)s because you registered this webhook with your account there."),
    MailReason.app_submitter: _l(
        "This message was sent by %(site)s because you submitted this app to its showcase with your account there."),
}


def footer(reason: str | None, site: str) -> str:
    """The footer sentence for ``reason`` in the current language; a plain one for no reason."""
    try:
        text = FOOTERS[MailReason(reason)] if reason else None
    except ValueError:
        text = None
    if text is None:
        return _("This message was sent by %(site)s.", site=site)
    return str(text) % {"site": site}
