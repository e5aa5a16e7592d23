"""What the integrity authority does with accounts: invitations, roles, suspension, supplier
claims. Flushes, never commits; every change is audited; every rule checks the actor.

An admin cannot remove their own admin role or suspend themselves, and the last admin
cannot be demoted, so the site never locks its authority out.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.accounts import emails, tokens
from civic.accounts.models import CompanyRepresentative, Invitation, User
from civic.accounts.queries import get_user_by_email, is_last_active_admin, normalize_email
from civic.accounts.services import create_user, end_all_sessions, suspend_user
from civic.agencies.models import Agency
from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, allowed, guarded
from civic.core.roles import AGENCY_ROLES, INVITED_ROLES, Role
from civic.core.time import utcnow

INVITATION_MAX_AGE = timedelta(days=7)


def _require_admin(actor: User) -> None:
    if not allowed(actor, Permission.administer_users):
        raise PermissionDenied(_("Only administrators can do this."))


def role_errors(role: str, agency: Agency | None, *, invited: bool = False) -> list[DomainError]:
    """Every rule a role and its agency break: a role from the list (staff, moderator or admin
    when invited); an active agency for staff and none for anyone else.

    The one statement of these rules: the admin forms show them beside the other fields'
    problems, ``invite`` and ``change_role`` refuse with the first.
    """
    roles = INVITED_ROLES if invited else Role
    if role not in {r.value for r in roles}:
        message = _("Invite staff, moderators or administrators.") if invited else _("Choose a role from the list.")
        return [DomainError(message, field="role")]
    if role == Role.integrity_officer:
        # Else an administrator could make an account they hold an officer of the authority and read
        # every report; officers are appointed where the site is run (`users create`).
        return [DomainError(_("Integrity officers are appointed on the server's command line, not here: no "
                              "administrator may give an account the reading of confidential reports."),
                            field="role")]
    if role == Role.staff and agency is None:
        return [DomainError(_("Staff accounts need an agency."), field="agency")]
    if role in AGENCY_ROLES and not agency.is_active:
        return [DomainError(_("This agency is inactive."), field="agency")]
    if role not in AGENCY_ROLES and agency is not None:
        return [DomainError(_("Only staff and integrity officers belong to an agency."), field="agency")]
    return []


def _check_role_and_agency(role: str, agency: Agency | None, *, invited: bool = False) -> None:
    errors = role_errors(role, agency, invited=invited)
    if errors:
        raise errors[0]


@guarded(Permission.administer_users)
def invite(session: Session, *, email: str, role: str, agency: Agency | None, actor: User) -> Invitation:
    """Invite someone to be staff of an agency, a moderator or an admin, by mail."""
    _require_admin(actor)
    email = normalize_email(email)
    _check_role_and_agency(role, agency, invited=True)
    if get_user_by_email(session, email) is not None:
        raise Conflict(_("This address already has an account; change its role instead."), field="email")
    pending = session.scalar(select(Invitation.id).where(
        func.lower(Invitation.email) == email, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None)))
    if pending is not None:
        raise Conflict(_("This address already has a pending invitation; resend it instead."), field="email")
    invitation = Invitation(email=email, role=role, agency=agency, invited_by_id=actor.id)
    session.add(invitation)
    session.flush()
    emails.invitation(session, invitation, tokens.make_token("invite", invitation))
    audit.record(session, "invitation.sent", actor_id=actor.id, target_type="invitation",
                 target_id=invitation.id, role=role, agency=agency.code if agency else None)
    return invitation


@guarded(Permission.administer_users)
def resend(session: Session, invitation: Invitation, *, actor: User) -> None:
    """Send a fresh link; the earlier one stops working."""
    _require_admin(actor)
    if not invitation.is_pending:
        raise Conflict(_("This invitation is no longer pending."))
    invitation.sent_at = utcnow()
    session.flush()
    emails.invitation(session, invitation, tokens.make_token("invite", invitation))
    audit.record(session, "invitation.resent", actor_id=actor.id, target_type="invitation", target_id=invitation.id)


@guarded(Permission.administer_users)
def revoke(session: Session, invitation: Invitation, *, actor: User) -> None:
    _require_admin(actor)
    if not invitation.is_pending:
        raise Conflict(_("This invitation is no longer pending."))
    invitation.revoked_at = utcnow()
    audit.record(session, "invitation.revoked", actor_id=actor.id, target_type="invitation",
                 target_id=invitation.id)


def check_invitation(session: Session, token: str) -> Invitation:
    """The pending invitation a link is for, or a clear reason why the link does not work."""
    try:
        invitation_id, fingerprint = tokens.read_token("invite", token, int(INVITATION_MAX_AGE.total_seconds()))
    except tokens.TokenInvalid as error:
        if error.reason == "expired":
            raise DomainError(_("This invitation has expired. Ask the administrators for a new one.")) from error
        raise DomainError(_("This link is not valid. Check that you copied all of it.")) from error
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or not tokens.matches_state("invite", invitation, fingerprint):
        raise DomainError(_("This invitation has already been used or was withdrawn."))
    return invitation


def accept_invitation(session: Session, token: str, *, name: str, password: str) -> User:
    """Create the invited account, already verified (the link proved the address)."""
    invitation = check_invitation(session, token)
    agency = session.get(Agency, invitation.agency_id) if invitation.agency_id else None
    user = create_user(session, email=invitation.email, password=password, display_name=name,
                       role=Role(invitation.role), agency=agency, verified=True,
                       actor_id=invitation.invited_by_id)
    invitation.accepted_at = utcnow()
    invitation.user_id = user.id
    audit.record(session, "invitation.accepted", actor_id=user.id, target_type="invitation",
                 target_id=invitation.id)
    return user


@guarded(Permission.administer_users)
def change_role(session: Session, user: User, *, role: str, agency: Agency | None, actor: User) -> None:
    """Give an account another role (and agency, for staff); its sessions end so it takes effect."""
    _require_admin(actor)
    _check_role_and_agency(role, agency)
    if user.deleted_at is not None:
        raise Conflict(_("This account has been deleted."))
    if user.role == Role.admin and role != Role.admin:
        if user.id == actor.id:
            raise PermissionDenied(_("You cannot remove your own administrator role."))
        if is_last_active_admin(session, user):
            raise PermissionDenied(_("The last administrator cannot be demoted."))
    old_role, old_agency = user.role, user.agency.code if user.agency else None
    if (old_role, old_agency) == (role, agency.code if agency else None):
        return
    user.role = role
    user.agency = agency
    end_all_sessions(session, user)
    audit.record(session, "account.role_changed", actor_id=actor.id, target_type="user", target_id=user.id,
                 old=[old_role, old_agency], new=[role, agency.code if agency else None])


@guarded(Permission.administer_users)
def suspend(session: Session, user: User, *, actor: User, reason: str) -> None:
    """Suspend an account (``suspend_user``'s rule), never the last active administrator."""
    _require_admin(actor)
    if user.id != actor.id and is_last_active_admin(session, user):
        raise PermissionDenied(_("The last administrator cannot be suspended."))
    suspend_user(session, user, actor=actor, reason=reason)


@guarded(Permission.administer_users)
def reinstate(session: Session, user: User, *, actor: User) -> None:
    _require_admin(actor)
    if user.suspended_at is None:
        raise Conflict(_("This account is not suspended."))
    user.suspended_at = None
    audit.record(session, "account.reinstated", actor_id=actor.id, target_type="user", target_id=user.id)


COMPANY_NAME_MAX = 200
CLAIM_REASON_MAX = 1000


def _require_waiting(claim: CompanyRepresentative) -> None:
    if claim.confirmed_at is not None:
        raise Conflict(_("This claim has already been confirmed."))
    if claim.rejected_at is not None:
        raise Conflict(_("This claim has already been rejected."))


@guarded(Permission.administer_users)
def confirm_claim(session: Session, claim: CompanyRepresentative, *, actor: User, name: str = "") -> None:
    """Confirm a person's claim to represent a company; the claimant is mailed.

    A company without a name on record gets ``name`` (by default the name the claimant typed);
    a company with one keeps it, whatever the claim says.
    """
    _require_admin(actor)
    _require_waiting(claim)
    company = claim.company
    recorded = ""
    if not company.is_named:
        recorded = name.strip() or claim.claimed_name.strip()
        if not recorded:
            raise DomainError(_("Enter the company's registered name."), field="name")
        if len(recorded) > COMPANY_NAME_MAX:
            raise DomainError(_("At most %(n)d characters.", n=COMPANY_NAME_MAX), field="name")
        company.name = recorded
    claim.confirmed_at = utcnow()
    user = session.get(User, claim.user_id)
    if user is not None and user.role == Role.citizen:
        user.role = Role.supplier
    audit.record(session, "company.claim_confirmed", actor_id=actor.id, target_type="company",
                 target_id=company.ubn, user=claim.user_id, **({"name": recorded} if recorded else {}))
    if user is not None and user.deleted_at is None:
        emails.claim_confirmed(session, user, claim)


@guarded(Permission.administer_users)
def reject_claim(session: Session, claim: CompanyRepresentative, *, actor: User, reason: str) -> None:
    """Reject a person's claim to represent a company, saying why; the claim and its reason stay,
    the company's name on record does not change, and the claimant is mailed."""
    _require_admin(actor)
    _require_waiting(claim)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the claim is rejected."), field="reason")
    if len(reason) > CLAIM_REASON_MAX:
        raise DomainError(_("At most %(n)d characters.", n=CLAIM_REASON_MAX), field="reason")
    claim.rejected_at = utcnow()
    claim.rejection_reason = reason
    audit.record(session, "company.claim_rejected", actor_id=actor.id, target_type="company",
                 target_id=claim.company.ubn, user=claim.user_id, reason=reason)
    user = session.get(User, claim.user_id)
    if user is not None and user.deleted_at is None:
        emails.claim_rejected(session, user, claim)
