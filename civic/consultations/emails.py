"""Consultation mail: who hears of a question or an answer. The mail carries only a link, never the
question or the answer: both stay behind the sign-in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.accounts.queries import list_mail_recipients
from civic.consultations.models import Consultation
from civic.core.permissions import Permission, allowed, roles_with
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue


def asked(session: Session, consultation: Consultation) -> None:
    """Every administrator still in use hears that a new question waits, with a link to it."""
    authority = list_mail_recipients(session, User.role.in_(roles_with(Permission.answer_consultations)))
    for email, locale in authority:
        enqueue(session, "consultations.asked", to=email, locale=locale,
                context={"consultation_id": consultation.id}, because=MailReason.consultation_authority)


def answered(session: Session, consultation: Consultation) -> None:
    """The staff member who asked hears that the answer is there, while they still work for the
    asking agency; their colleagues see it on the agency's list."""
    asker = session.get(User, consultation.asked_by_id) if consultation.asked_by_id else None
    if (asker is None or not asker.is_active or not asker.email or asker.agency_id != consultation.agency_id
            or not allowed(asker, Permission.ask_consultations)):
        return
    enqueue(session, "consultations.answered", to=asker.email, locale=asker.locale,
            context={"consultation_id": consultation.id}, because=MailReason.consultation_asker)
