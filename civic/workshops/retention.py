"""Retention: attendees' personal data is deleted once the retention period after the workshop
has passed (WORKSHOP_RETENTION_DAYS, 180 by default); statuses and counts stay for the figures.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session

import config as settings
from civic.core import audit
from civic.core.time import utcnow
from civic.workshops import queries
from civic.workshops.services import new_token

log = logging.getLogger(__name__)


def retention_days() -> int:
    """Config.WORKSHOP_RETENTION_DAYS, also where the app's config has lost the key."""
    return current_app.config.get("WORKSHOP_RETENTION_DAYS", settings.Config.WORKSHOP_RETENTION_DAYS)


@dataclass
class PurgeReport:
    workshops: int = 0
    registrations: int = 0


def purge_personal_data(session: Session, *, now: datetime | None = None, days: int | None = None) -> PurgeReport:
    """Delete attendees' names, emails, phones and answers once the retention period after the
    workshop has passed (WORKSHOP_RETENTION_DAYS, 180 by default). Statuses and counts stay, so
    the figures remain; the people's links stop working.
    """
    now = now or utcnow()
    days = retention_days() if days is None else days
    report = PurgeReport()
    for workshop in queries.list_workshops_to_purge(session, now - timedelta(days=days)):
        registrations = queries.list_registrations(session, workshop.id)
        for registration in registrations:
            registration.name = registration.email = registration.phone = None
            registration.answers = []
            registration.user_id = None
            registration.cancel_token = new_token()
            registration.purged_at = now
        workshop.purged_at = now
        report.workshops += 1
        report.registrations += len(registrations)
        audit.record(session, "workshop.personal_data_purged", actor_id=None, target_type="workshop",
                     target_id=workshop.id, registrations=len(registrations))
    session.flush()
    if report.workshops:
        log.info("workshop personal data purged: %d workshops, %d registrations", report.workshops,
                 report.registrations)
    return report
