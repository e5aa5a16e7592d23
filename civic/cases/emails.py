"""Application mail: who hears about an application and its decision. Recipients and a small
context; rendering is elsewhere.

The integrity authority (every active admin) hears of each new or resubmitted application; the
applying agency's staff hear of the decision, with the authority's comments.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.accounts.queries import list_mail_recipients
from civic.agencies.models import Agency
from civic.cases.models import Case, ReviewState
from civic.core.permissions import Permission, roles_with
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue

DECISION_EVENTS = {
    ReviewState.published: "cases.approved",
    ReviewState.returned: "cases.returned",
    ReviewState.rejected: "cases.rejected",
}


def _context(case: Case, agency: Agency, locale: str, **extra) -> dict:
    return {"slug": case.slug, "case_title": case.title_zh, "case_title_en": case.title_en,
            "agency": agency.name(locale), **extra}


def submitted(session: Session, case: Case, *, resubmitted: bool = False) -> None:
    """Tell the authority that an application (or a changed one) waits for its decision."""
    agency = session.get(Agency, case.agency_id)
    event = "cases.resubmitted" if resubmitted else "cases.applied"
    for email, locale in list_mail_recipients(session, User.role.in_(roles_with(Permission.review_applications))):
        enqueue(session, event, to=email, locale=locale,
                context=_context(case, agency, locale, reason=case.application_reason,
                                 submitted_at=case.submitted_at.isoformat()),
                because=MailReason.authority)


def decided(session: Session, case: Case) -> None:
    """Tell the applying agency's staff what the authority decided, with its comments."""
    agency = session.get(Agency, case.agency_id)
    event = DECISION_EVENTS[ReviewState(case.review_state)]
    for email, locale in list_mail_recipients(session, User.role.in_(roles_with(Permission.edit_agency_cases)),
                                              User.agency_id == case.agency_id):
        enqueue(session, event, to=email, locale=locale,
                context=_context(case, agency, locale, comment=case.review_comment),
                because=MailReason.applicant_staff)
