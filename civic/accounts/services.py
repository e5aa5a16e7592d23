"""Every change to accounts: registration, verification, sessions, passwords, deletion.
(Checking a password at sign-in, with its failure count and lock: signin.py.)

Flushes, never commits. Messages are translated for the person acting.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from civic.accounts import devices, emails, passwords, security_events, tokens
from civic.accounts.models import Company, CompanyRepresentative, User, UserSession
from civic.accounts.queries import get_company_by_ubn, get_user_by_email, is_last_active_admin, normalize_email
from civic.accounts.ubn import is_valid_ubn, normalize
from civic.agencies.models import Agency
from civic.core import audit
from civic.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.roles import AGENCY_ROLES, Role
from civic.core.time import utcnow

# How often a session's last-seen time is written, so that most requests do not write.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


def password_errors(password: str, email: str) -> list[DomainError]:
    """A password is MIN_LENGTH to MAX_LENGTH characters and is not the account's email address.
    The password forms and the services both ask here."""
    if len(password) < passwords.MIN_LENGTH:
        return [DomainError(_("Choose a password of at least %(n)d characters.", n=passwords.MIN_LENGTH),
                            field="password")]
    if len(password) > passwords.MAX_LENGTH:
        return [DomainError(_("Choose a password of at most %(n)d characters.", n=passwords.MAX_LENGTH),
                            field="password")]
    if email and normalize_email(password) == normalize_email(email):
        return [DomainError(_("Your password cannot be your email address."), field="password")]
    return []


def _check_password_rules(password: str, email: str) -> None:
    for error in password_errors(password, email):
        raise error


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    role: Role = Role.citizen,
    agency: Agency | None = None,
    company: Company | None = None,
    locale: str = "zh_Hant_TW",
    verified: bool = False,
    actor_id: int | None = None,
) -> User:
    """Create an account; staff belong to exactly one agency, suppliers to a company."""
    email = normalize_email(email)
    if role in AGENCY_ROLES and agency is None:
        raise DomainError(_("Staff accounts need an agency."), field="agency")
    if role not in AGENCY_ROLES and agency is not None:
        raise DomainError(_("Only staff and integrity officers belong to an agency."), field="agency")
    if role == Role.supplier and company is None:
        raise DomainError(_("Supplier accounts need a company."), field="company")
    if get_user_by_email(session, email) is not None:
        raise Conflict(_("An account with this email address already exists."), field="email")
    _check_password_rules(password, email)
    user = User(
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        password_hash=passwords.hash_password(password),
        role=role,
        agency=agency,
        locale=locale,
        verified_at=utcnow() if verified else None,
    )
    session.add(user)
    session.flush()
    if company is not None:
        session.add(
            CompanyRepresentative(company_id=company.id, user_id=user.id, claimed_name=company.name,
                                  confirmed_at=utcnow())
        )
    audit.record(session, "account.created", actor_id=actor_id or user.id, target_type="user",
                 target_id=user.id, role=str(role))
    return user


def register(
    session: Session, *, email: str, password: str, display_name: str, locale: str
) -> User | None:
    """Register a citizen and mail a verification link.

    An address that already has an account gets a notice instead, and the caller answers the
    same either way, so the form cannot be used to learn who has an account.
    """
    existing = get_user_by_email(session, email)
    if existing is not None:
        _check_password_rules(password, email)
        # Spend the time a new account's hash takes, so the answer's delay does not tell.
        passwords.hash_password(password)
        if existing.deleted_at is None:
            if existing.is_verified:
                emails.already_registered(session, existing)
            else:
                emails.verification(session, existing, tokens.make_token("verify", existing))
        return None
    user = create_user(
        session, email=email, password=password, display_name=display_name, locale=locale
    )
    emails.verification(session, user, tokens.make_token("verify", user))
    return user


def resend_verification(session: Session, email: str) -> None:
    """Mail a fresh verification link if ``email`` has an unverified account."""
    user = get_user_by_email(session, email)
    if user is not None and user.is_active and not user.is_verified:
        emails.verification(session, user, tokens.make_token("verify", user))


def _user_from_token(session: Session, purpose: str, token: str, max_age: int) -> User:
    try:
        user_id, fingerprint = tokens.read_token(purpose, token, max_age)
    except tokens.TokenInvalid as error:
        if error.reason == "expired":
            raise DomainError(_("This link has expired. Ask for a new one.")) from error
        raise DomainError(_("This link is not valid. Check that you copied all of it.")) from error
    user = session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise DomainError(_("This link is not valid. Check that you copied all of it."))
    if not tokens.matches_state(purpose, user, fingerprint):
        raise DomainError(_("This link has already been used."))
    return user


def verify_email(session: Session, token: str) -> User:
    """Mark the address of the token's user as verified; each link works once."""
    user = _user_from_token(
        session, "verify", token, current_app.config["VERIFY_TOKEN_MAX_AGE"]
    )
    user.verified_at = utcnow()
    audit.record(session, "account.verified", actor_id=user.id, target_type="user",
                 target_id=user.id)
    return user


def _hash_token(token: str) -> str:
    return UserSession.hash_token(token)


def start_session(session: Session, user: User, *, origin: audit.Origin, second_step: str | None = None) -> str:
    """Open a server-side session for ``user``, recorded as a sign-in from ``origin`` (with the
    kind of second step given, if any), and return the secret for its cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_hash=_hash_token(token),
                            device=devices.describe_device(origin.agent),
                            network=devices.mask_address(origin.address)))
    session.flush()
    details = {"second_step": second_step} if second_step else {}
    audit.record(session, "account.signed_in", actor_id=user.id, target_type="user",
                 target_id=user.id, **details, **origin.as_details())
    return token


def load_session(session: Session, token: str, *, touch: bool = True) -> User | None:
    """Return the user of a live session, or None when it ended, idled out or was revoked; with
    ``touch``, note that the session was just used."""
    now = utcnow()
    record = session.scalar(select(UserSession).where(UserSession.token_hash == _hash_token(token)))
    if record is None:
        return None
    user = record.user
    idle_limit = current_app.config["SESSION_IDLE_TIMEOUT"]
    if not user.is_active or not user.is_verified or record.last_seen_at < now - idle_limit:
        return None
    if touch and record.last_seen_at < now - LAST_SEEN_RESOLUTION:
        record.last_seen_at = now
    return user


def end_session(session: Session, token: str, *, origin: audit.Origin) -> None:
    """End the one session whose cookie holds ``token``, recorded as a sign-out from ``origin``."""
    user_id = session.scalar(delete(UserSession).where(UserSession.token_hash == _hash_token(token))
                             .returning(UserSession.user_id))
    if user_id is not None:
        audit.record(session, "account.signed_out", actor_id=user_id, target_type="user",
                     target_id=user_id, **origin.as_details())


def end_session_by_id(session: Session, user: User, session_id: int, *,
                      current_token: str | None, origin: audit.Origin) -> bool:
    """End one of ``user``'s own sessions from the sessions page; return True when it was the
    one holding ``current_token`` (this browser). Another user's session is NotFound."""
    record = session.get(UserSession, session_id)
    if record is None or record.user_id != user.id:
        raise NotFound(_("This browser is not signed in to your account."))
    was_current = current_token is not None and record.token_hash == _hash_token(current_token)
    session.delete(record)
    session.flush()
    audit.record(session, "account.session_ended", actor_id=user.id, target_type="user",
                 target_id=user.id, session_id=session_id, device=record.device,
                 network=record.network, this_browser=was_current, **origin.as_details())
    return was_current


def end_all_sessions(session: Session, user: User, *, keep_token: str | None = None) -> int:
    """End every session of ``user`` (but the one holding ``keep_token``); return how many."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token is not None:
        statement = statement.where(UserSession.token_hash != _hash_token(keep_token))
    return session.execute(statement).rowcount or 0


def end_other_sessions(session: Session, user: User, *, keep_token: str | None,
                       origin: audit.Origin) -> int:
    """Sign ``user`` out of every browser but the one holding ``keep_token``; return how many."""
    count = end_all_sessions(session, user, keep_token=keep_token)
    audit.record(session, "account.other_sessions_ended", actor_id=user.id, target_type="user",
                 target_id=user.id, sessions_ended=count, **origin.as_details())
    return count


def request_password_reset(session: Session, email: str, *, origin: audit.Origin) -> None:
    """Mail a reset link when ``email`` has an active account; say nothing either way.

    The request is recorded either way, naming the account or the hashed address, never the address.
    """
    user = get_user_by_email(session, email)
    if user is not None and user.deleted_at is not None:
        user = None
    audit.record(session, "account.password_reset_requested", actor_id=None,
                 **security_events.target(user, email), **origin.as_details())
    if user is not None and user.is_active:
        emails.password_reset(session, user, tokens.make_token("reset", user))


def check_reset_token(session: Session, token: str) -> User:
    """Return the user a reset link is for, or raise with what is wrong with the link."""
    return _user_from_token(session, "reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])


def reset_password(session: Session, token: str, new_password: str, *, origin: audit.Origin) -> User:
    """Set a new password from a reset link, ending every session of that user."""
    user = check_reset_token(session, token)
    _check_password_rules(new_password, user.email)
    user.password_hash = passwords.hash_password(new_password)
    # Following the link proved the address is theirs.
    user.verified_at = user.verified_at or utcnow()
    user.failed_logins = 0
    user.locked_until = None
    end_all_sessions(session, user)
    audit.record(session, "account.password_reset", actor_id=user.id, target_type="user",
                 target_id=user.id, **origin.as_details())
    emails.password_changed(session, user)
    return user


def change_password(
    session: Session, user: User, *, current: str, new: str, keep_token: str | None,
    origin: audit.Origin,
) -> None:
    """Change the password after checking the current one; end the user's other sessions."""
    if not passwords.verify_password(user.password_hash, current):
        raise DomainError(_("Your current password is not correct."), field="current_password")
    _check_password_rules(new, user.email)
    user.password_hash = passwords.hash_password(new)
    end_all_sessions(session, user, keep_token=keep_token)
    audit.record(session, "account.password_changed", actor_id=user.id, target_type="user",
                 target_id=user.id, **origin.as_details())
    emails.password_changed(session, user)


def update_profile(session: Session, user: User, *, display_name: str, locale: str) -> None:
    """Change the name shown with the user's contributions and the language of their mail."""
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose one of the offered languages."), field="locale")
    user.display_name = display_name.strip()
    user.locale = locale
    audit.record(session, "account.updated", actor_id=user.id, target_type="user",
                 target_id=user.id)


def delete_account(session: Session, user: User, *, password: str) -> None:
    """Remove the user's personal data; what they published stays, shown as a former user."""
    if not passwords.verify_password(user.password_hash, password):
        raise DomainError(_("Your password is not correct."), field="password")
    if is_last_active_admin(session, user):
        raise PermissionDenied(_("The last administrator cannot delete their account."))
    end_all_sessions(session, user)
    session.execute(
        delete(CompanyRepresentative).where(CompanyRepresentative.user_id == user.id)
    )
    user.email = f"deleted-{user.id}@users.invalid"
    user.display_name = ""
    user.password_hash = ""
    user.deleted_at = utcnow()
    user.agency = None
    user.role = Role.citizen
    audit.record(session, "account.deleted", actor_id=user.id, target_type="user",
                 target_id=user.id)


@guarded(Permission.moderate_comments, Permission.administer_users)
def suspend_user(session: Session, user: User, *, actor: User, reason: str) -> None:
    """Suspend an account and end all its sessions at once: never one's own, never twice, and
    always with a reason. The rule for every way in; the administrators' and the moderators'
    services add only who may suspend whom.
    """
    if user.id == actor.id:
        raise PermissionDenied(_("You cannot suspend your own account."))
    if user.suspended_at is not None:
        raise Conflict(_("This account is already suspended."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the account is suspended."), field="reason")
    user.suspended_at = utcnow()
    ended = end_all_sessions(session, user)
    audit.record(session, "account.suspended", actor_id=actor.id, target_type="user",
                 target_id=user.id, reason=reason, sessions_ended=ended)


@dataclass(frozen=True)
class CompanyInput:
    ubn: str
    name: str


def get_or_create_company(session: Session, data: CompanyInput, *, actor_id: int | None) -> Company:
    """Return the company with this 統一編號, creating it; the number must pass the checksum.

    Only trusted callers (staff entering a contract, accounts made by the site) come here: their
    name is recorded for a company known so far only from an unconfirmed claim.
    """
    ubn = normalize(data.ubn)
    return _company(session, ubn, data.name.strip()[:200] or ubn, actor_id=actor_id)


def get_or_add_unnamed_company(session: Session, ubn: str, *, actor_id: int | None) -> Company:
    """Return the company with this 統一編號, adding it without a name when unknown.

    For claims: what a claimant types is published only once an administrator confirms it.
    """
    return _company(session, normalize(ubn), "", actor_id=actor_id)


def ubn_errors(ubn: str) -> list[DomainError]:
    """A 統一編號 passes the Ministry of Finance checksum (``ubn.is_valid_ubn``); forms ask here too,
    so a wrong number shows beside the other fields' problems."""
    ubn = normalize(ubn or "")
    if not is_valid_ubn(ubn):
        return [DomainError(_("%(ubn)s is not a valid unified business number (統一編號).", ubn=ubn), field="ubn")]
    return []


def _company(session: Session, ubn: str, name: str, *, actor_id: int | None) -> Company:
    for error in ubn_errors(ubn):
        raise error
    company = get_company_by_ubn(session, ubn)
    if company is None:
        company = Company(ubn=ubn, name=name)
        session.add(company)
        session.flush()
        audit.record(session, "company.created", actor_id=actor_id, target_type="company",
                     target_id=ubn)
    elif name and not company.name:
        company.name = name
        audit.record(session, "company.named", actor_id=actor_id, target_type="company", target_id=ubn,
                     name=name)
    return company
