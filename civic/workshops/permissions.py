"""Who may do what with workshops and the personal data of their attendees."""

from __future__ import annotations

from civic.core.permissions import Permission, allowed
from civic.workshops.models import Registration, Workshop


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


def can_cancel_registration(user, registration: Registration, workshop: Workshop) -> bool:
    """A signed-in person cancels their own sign-up (from their activity page); the holding
    agency's staff cancel anyone's. Without an account, the secret link in the mail is the key."""
    own = (getattr(user, "is_authenticated", False) and user.is_active
           and registration.user_id is not None and registration.user_id == user.id)
    return own or can_manage(user, workshop)
