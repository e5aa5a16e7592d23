"""Account mail: picks the recipient and a small context, and writes to the outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from civic.accounts.models import CompanyRepresentative, User
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue


def _to_owner(session: Session, event: str, user: User, **context) -> None:
    """Write mail about the account to its owner, in their language, greeting them by name."""
    enqueue(session, event, to=user.email, locale=user.locale, context={"name": user.display_name, **context},
            because=MailReason.account)


def verification(session: Session, user: User, token: str) -> None:
    _to_owner(session, "accounts.registered", user, token=token)


def already_registered(session: Session, user: User) -> None:
    _to_owner(session, "accounts.already_registered", user)


def password_reset(session: Session, user: User, token: str) -> None:
    _to_owner(session, "accounts.reset_requested", user, token=token)


def password_changed(session: Session, user: User) -> None:
    _to_owner(session, "accounts.password_changed", user)


def invitation(session: Session, invitation, token: str) -> None:
    agency = invitation.agency
    # An invitation stores no language: the invitee has no account yet, so they read Chinese.
    locale = "zh_Hant_TW"
    enqueue(session, "accounts.invited", to=invitation.email, locale=locale,
            context={"token": token, "role": invitation.role, "agency": agency.name(locale) if agency else ""},
            because=MailReason.invitation)


def claim_confirmed(session: Session, user: User, claim: CompanyRepresentative) -> None:
    _to_owner(session, "accounts.claim_confirmed", user, ubn=claim.company.ubn, company=claim.company.name)


def claim_rejected(session: Session, user: User, claim: CompanyRepresentative) -> None:
    _to_owner(session, "accounts.claim_rejected", user, ubn=claim.company.ubn, company=claim.claimed_name,
              reason=claim.rejection_reason)


def two_factor_changed(session: Session, user: User, *, change: str) -> None:
    """Tell the owner their second step of sign-in changed: ``enrolled``, ``recovery_codes``,
    ``disabled`` or ``reset`` (by an administrator)."""
    _to_owner(session, "accounts.two_factor_changed", user, change=change)
