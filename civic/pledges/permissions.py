"""Who may do what with pledges."""

from __future__ import annotations

from civic.core.roles import Role


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.is_verified


def can_sign_for(user, company_ids_confirmed: set[int], company_id: int) -> bool:
    """A person signs only for a company whose representation an admin has confirmed."""
    return _signed_in(user) and company_id in company_ids_confirmed


def can_publish_texts(user) -> bool:
    return _signed_in(user) and user.role == Role.admin


def can_record_breach(user) -> bool:
    return _signed_in(user) and user.role == Role.admin
