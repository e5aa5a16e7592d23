"""Who may ask, read and answer consultations. Nothing of a consultation is public but the
anonymised guidance published with both sides' consent."""

from __future__ import annotations

from civic.consultations.models import Consultation
from civic.core.permissions import Permission, allowed


def _asking_agency_id(user) -> int | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not getattr(user, "is_verified", True):
        return None
    return user.agency_id if allowed(user, Permission.ask_consultations) else None


def can_ask(user) -> bool:
    """Agency staff ask the integrity authority on behalf of their own agency."""
    return _asking_agency_id(user) is not None


def can_follow(user, consultation: Consultation) -> bool:
    """Any staff member of the asking agency reads the question and its answer and gives or withdraws
    the agency's consent: the question stays with the agency when the clerk who asked moves on."""
    agency_id = _asking_agency_id(user)
    return agency_id is not None and agency_id == consultation.agency_id


def can_answer(user) -> bool:
    """Only the integrity authority answers, writes the guidance and publishes it."""
    return allowed(user, Permission.answer_consultations)
