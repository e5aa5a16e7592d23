"""Who may do what with pledges."""

from __future__ import annotations

from civic.core.permissions import Permission, allowed


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.is_verified


def can_sign_for(user, company_ids_confirmed: set[int], company_id: int) -> bool:
    """A person signs only for a company whose representation an admin has confirmed."""
    return _signed_in(user) and company_id in company_ids_confirmed


def can_assess_for(user, company_ids_confirmed: set[int], company_id: int) -> bool:
    """A company's self-assessment is answered only by its confirmed representatives."""
    return _signed_in(user) and company_id in company_ids_confirmed


def can_publish_texts(user) -> bool:
    """Only the integrity authority publishes the pledge's text and the self-assessment questionnaire."""
    return _signed_in(user) and allowed(user, Permission.manage_pledges)


def can_record_breach(user) -> bool:
    """Only the integrity authority records that a signatory broke its pledge."""
    return _signed_in(user) and allowed(user, Permission.manage_pledges)
