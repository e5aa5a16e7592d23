"""Who may do what with workshops and the personal data of their attendees."""

from __future__ import annotations

from civic.core.permissions import Permission, allowed
from civic.workshops.models import Workshop


def _staff_agency_id(user) -> int | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_verified:
        return None
    return user.agency_id if allowed(user, Permission.hold_workshops) else None


def can_create(user) -> bool:
    """Agency staff hold workshops for their own agency."""
    return _staff_agency_id(user) is not None


def can_manage(user, workshop: Workshop) -> bool:
    """Only the holding agency's staff edit or cancel a workshop and see its attendees.

    Not administrators: the Personal Data Protection Act limits the attendee list to the
    agency that collected it for the workshop.
    """
    agency_id = _staff_agency_id(user)
    return agency_id is not None and agency_id == workshop.agency_id


def can_sign_up(user) -> bool:
    """Anyone may sign up, signed in or not; suspended accounts may not."""
    if getattr(user, "is_authenticated", False):
        return bool(user.is_active)
    return True
