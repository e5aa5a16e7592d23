"""Account mail: picks the recipient and a small context, and writes to the outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from civic.accounts.models import CompanyRepresentative, User
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue


def verification(session: Session, user: User, token: str) -> None:
    enqueue(session, "accounts.registered", to=user.email, locale=user.locale,
            context={"name": user.display_name, "token": token}, because=MailReason.account)


def already_registered(session: Session, user: User) -> None:
    enqueue(session, "accounts.already_registered", to=user.email, locale=user.locale,
            context={"name": user.display_name}, because=MailReason.account)


def password_reset(session: Session, user: User, token: str) -> None:
    enqueue(session, "accounts.reset_requested", to=user.email, locale=user.locale,
            context={"name": user.display_name, "token": token}, because=MailReason.account)


def password_changed(session: Session, user: User) -> None:
    enqueue(session, "accounts.password_changed", to=user.email, locale=user.locale,
            context={"name": user.display_name}, because=MailReason.account)


def invitation(session: Session, invitation, token: str) -> None:
    agency = invitation.agency
    # An invitation stores no language: the invitee has no account yet, so they read Chinese.
    locale = "zh_Hant_TW"
    enqueue(session, "accounts.invited", to=invitation.email, locale=locale,
            context={"token": token, "role": invitation.role, "agency": agency.name(locale) if agency else ""},
            because=MailReason.invitation)


def claim_confirmed(session: Session, user: User, claim: CompanyRepresentative) -> None:
    enqueue(session, "accounts.claim_confirmed", to=user.email, locale=user.locale,
            context={"name": user.display_name, "ubn": claim.company.ubn, "company": claim.company.name},
            because=MailReason.account)


def claim_rejected(session: Session, user: User, claim: CompanyRepresentative) -> None:
    enqueue(session, "accounts.claim_rejected", to=user.email, locale=user.locale,
            context={"name": user.display_name, "ubn": claim.company.ubn, "company": claim.claimed_name,
                     "reason": claim.rejection_reason},
            because=MailReason.account)


def two_factor_changed(session: Session, user: User, *, change: str) -> None:
    """Tell the owner their second step of sign-in changed: ``enrolled``, ``recovery_codes``,
    ``disabled`` or ``reset`` (by an administrator)."""
    enqueue(session, "accounts.two_factor_changed", to=user.email, locale=user.locale,
            context={"name": user.display_name, "change": change}, because=MailReason.account)
