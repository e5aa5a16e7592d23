"""Digest mail: one message per person and period, in their language, with a small JSON context;
rendering is the mail worker's (templates/digests/email/digest/)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from civic.digests.queries import PersonDigest, case_context
from civic.feedback.models import SubscriptionFrequency
from civic.notifications.services import enqueue


def digest(session: Session, person: PersonDigest, *, frequency: SubscriptionFrequency) -> None:
    """Mail ``person`` their digest: each case with its news, deadlines and links, and the
    agencies they follow, with links to stop following and to choose how often to hear."""
    enqueue(session, "digests.digest", to=person.email, locale=person.locale, context={
        "frequency": str(frequency),
        "since": person.since.isoformat(),
        "until": person.until.isoformat(),
        "cases": [case_context(news) for news in person.cases],
        "agencies": person.agencies,
    }, because=person.reason)
