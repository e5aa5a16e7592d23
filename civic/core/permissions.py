"""The permission map: what each role may do, read by the blueprint walls, the views, the
templates and the services. Object-level rules (one's own agency, one's own comment) stay in
each domain's ``permissions.py`` and build on ``allowed()``; nothing else compares role names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import wraps
from inspect import Parameter, signature
from types import MappingProxyType
from typing import Any, Final, ParamSpec, Protocol, TypeVar

from flask_babel import gettext as _

from civic.core.errors import PermissionDenied
from civic.core.roles import Role


class Permission(StrEnum):
    # Agency staff, for their own agency (the object check is in the domain's permissions.py).
    apply_for_cases = "apply_for_cases"
    edit_agency_cases = "edit_agency_cases"
    answer_feedback = "answer_feedback"
    hold_workshops = "hold_workshops"
    ask_consultations = "ask_consultations"
    # Staff and administrators: personal access tokens for the write API (civic/integrations).
    use_api_tokens = "use_api_tokens"
    # Moderators and the integrity authority.
    moderate_comments = "moderate_comments"
    # Approving, refusing and taking down the apps people submit to the showcase (/admin/apps).
    moderate_apps = "moderate_apps"
    # The integrity authority (administrators).
    use_admin_area = "use_admin_area"
    review_applications = "review_applications"
    edit_any_case = "edit_any_case"
    feature_cases = "feature_cases"
    manage_agencies = "manage_agencies"
    manage_sectors = "manage_sectors"
    manage_commitments = "manage_commitments"
    manage_calendar = "manage_calendar"
    manage_pledges = "manage_pledges"
    # The open data challenges (開放資料競賽) the authority runs (/admin/challenges).
    manage_challenges = "manage_challenges"
    answer_consultations = "answer_consultations"
    administer_users = "administer_users"
    read_audit_trail = "read_audit_trail"
    send_notifications = "send_notifications"
    edit_report_notice = "edit_report_notice"
    # Integrity officers (政風人員) of an agency or of the authority; which reports, in reports/permissions.py.
    read_reports = "read_reports"


# The write API is for agency systems and the authority: both staff and administrators hold tokens.
_API = frozenset({Permission.use_api_tokens})
_STAFF = frozenset({Permission.apply_for_cases, Permission.edit_agency_cases, Permission.answer_feedback,
                    Permission.hold_workshops, Permission.ask_consultations}) | _API
_MODERATOR = frozenset({Permission.moderate_comments, Permission.moderate_apps})
# Administrators do not hold the staff permissions: they belong to no agency, and the Personal
# Data Protection Act keeps a workshop's attendee list with the agency that collected it.
# Nor do they read confidential reports: only the integrity officers the report is routed to do.
_OFFICER = frozenset({Permission.read_reports})
_ADMIN = (frozenset(Permission) - _STAFF - _OFFICER) | _API

# Citizens and supplier representatives act only on their own account and what they wrote:
# those checks need the object, so they live in the domains' permissions.py.
ROLE_PERMISSIONS: Final[Mapping[Role, frozenset[Permission]]] = MappingProxyType({
    Role.citizen: frozenset(),
    Role.supplier: frozenset(),
    Role.staff: _STAFF,
    Role.moderator: _MODERATOR,
    Role.admin: _ADMIN,
    Role.integrity_officer: _OFFICER,
})


class Actor(Protocol):
    """Whoever a service acts for: a ``User``, or ``SYSTEM`` for jobs that have no account."""

    id: int | None
    role: str | None
    is_authenticated: bool
    is_active: bool


class _System:
    """The actor of command-line jobs, the demo loader and schedules: trusted, with no account.

    No request can act as it: ``current_user`` is always a ``User`` or anonymous.
    """

    id = None
    role = None
    is_authenticated = True
    is_active = True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = _System()


def permissions_of(user: Any) -> frozenset[Permission]:
    """The permissions ``user`` holds now: none for anonymous, missing or suspended accounts."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    if user is SYSTEM:
        return frozenset(Permission)
    try:
        return ROLE_PERMISSIONS[Role(user.role)]
    except ValueError:
        return frozenset()


def roles_with(permission: Permission) -> list[Role]:
    """The roles that hold ``permission``, for queries that pick people to mail or to assign."""
    return sorted(role for role, held in ROLE_PERMISSIONS.items() if permission in held)


def allowed(user: Any, permission: Permission) -> bool:
    """Whether ``user`` holds ``permission``. Reads only the user object, never the database."""
    return permission in permissions_of(user)


P = ParamSpec("P")
R = TypeVar("R")


def guarded(*permissions: Permission) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse the call with ``PermissionDenied`` unless its ``actor`` holds one of ``permissions``.

    The service keeps its object-level check (its own agency, its own comment) in its body.
    ``tests/test_service_guards.py`` fails for a state-changing service without a guard.
    """
    if not permissions:
        raise TypeError("guarded() needs at least one permission")
    required = frozenset(permissions)

    def decorator(service: Callable[P, R]) -> Callable[P, R]:
        actor = signature(service).parameters.get("actor")
        if actor is None or actor.kind is not Parameter.KEYWORD_ONLY:
            raise TypeError(f"{service.__qualname__} is guarded but takes no keyword-only actor")

        @wraps(service)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = kwargs.get("actor")
            if not any(allowed(actor, permission) for permission in required):
                raise PermissionDenied(_("You may not do this."))
            return service(*args, **kwargs)

        checked.guard = required  # type: ignore[attr-defined]
        return checked

    return decorator
