"""The second step of sign-in: an authenticator app (TOTP, RFC 6238) and ten recovery codes.

A code from the app is accepted within one 30-second step either side of now, and only once: the
last step accepted is kept, and a code is taken by an UPDATE that moves it forward, so the same
code sent twice at once is accepted once. Recovery codes are random, shown once, stored as
hashes and used up by one UPDATE each.

Staff, moderators and administrators must set it up (TWO_FACTOR_REQUIRED_ROLES); for everyone
else it is a choice. Flushes, never commits.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

import pyotp
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from civic.accounts import emails
from civic.accounts.models import RecoveryCode, SecondFactor, User
from civic.accounts.services import end_all_sessions
from civic.core import audit
from civic.core.errors import DomainError
from civic.core.time import utcnow

STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
# Letters and digits that cannot be mistaken for one another when copied from paper.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_GROUPS = 4
_SIX_DIGITS = re.compile(r"[0-9]{6}")


def is_required(user: User) -> bool:
    """True when the account's role may not go without the second step."""
    return user.role in current_app.config["TWO_FACTOR_REQUIRED_ROLES"]


def must_enrol(user: User) -> bool:
    """True while an account that needs the second step has not set it up."""
    return user.two_factor_enrolled_at is None and is_required(user)


def get_factor(session: Session, user: User) -> SecondFactor | None:
    return session.get(SecondFactor, user.id)


def begin(session: Session, user: User) -> str:
    """The secret of the app being set up: the one already waiting, or a new one."""
    factor = get_factor(session, user)
    if factor is None:
        factor = SecondFactor(user_id=user.id, last_step=0)
        session.add(factor)
    if factor.pending_secret is None:
        factor.pending_secret = pyotp.random_base32()
        session.flush()
    return factor.pending_secret


def restart(session: Session, user: User) -> str:
    """Start setting up another app (a new phone); the current one works until the new one is confirmed."""
    factor = get_factor(session, user)
    if factor is not None:
        factor.pending_secret = None
    return begin(session, user)


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://totp/...`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email,
                                               issuer_name=current_app.config["TWO_FACTOR_ISSUER"])


def confirm(session: Session, user: User, code: str, *, origin: audit.Origin) -> list[str]:
    """Turn the app being set up on once ``code`` comes from it; return the new recovery codes."""
    factor = get_factor(session, user)
    if factor is None or factor.pending_secret is None:
        raise DomainError(_("Setting up took too long. Scan the new QR code and type the code it shows."))
    step = _matching_step(factor.pending_secret, normalize(code), after=0)
    if step is None:
        raise DomainError(_("That code is not right. Type the six digits your app shows now."))
    replacing = factor.secret is not None
    factor.secret, factor.pending_secret = factor.pending_secret, None
    factor.last_step = step
    user.two_factor_enrolled_at = utcnow()
    codes = _new_recovery_codes(session, user)
    audit.record(session, "account.two_factor_enrolled", actor_id=user.id, target_type="user",
                 target_id=user.id, replaced=replacing, **origin.as_details())
    emails.two_factor_changed(session, user, change="enrolled")
    return codes


def normalize(code: str) -> str:
    """What was typed without spaces and dashes, in lower case, full-width digits made plain."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", code or "")).lower()


def check(session: Session, user: User, code: str) -> str | None:
    """Use ``code`` up: return ``totp`` or ``recovery_code`` when it is a valid one not used
    before, None otherwise."""
    code = normalize(code)
    if _SIX_DIGITS.fullmatch(code):
        factor = get_factor(session, user)
        if factor is None or factor.secret is None:
            return None
        step = _matching_step(factor.secret, code, after=factor.last_step)
        if step is None:
            return None
        taken = session.execute(
            update(SecondFactor).where(SecondFactor.user_id == user.id, SecondFactor.last_step < step)
            .values(last_step=step).returning(SecondFactor.user_id)
            .execution_options(synchronize_session=False)).first()
        return "totp" if taken else None
    if not code:
        return None
    used = session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == _hash_recovery_code(user, code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).returning(RecoveryCode.id)
        .execution_options(synchronize_session=False)).first()
    return "recovery_code" if used else None


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def renew_recovery_codes(session: Session, user: User, *, origin: audit.Origin) -> list[str]:
    """Replace every recovery code, used or not, with ten new ones."""
    if user.two_factor_enrolled_at is None:
        raise DomainError(_("Set up an authenticator app first."))
    codes = _new_recovery_codes(session, user)
    audit.record(session, "account.recovery_codes_renewed", actor_id=user.id, target_type="user",
                 target_id=user.id, **origin.as_details())
    emails.two_factor_changed(session, user, change="recovery_codes")
    return codes


def turn_off(session: Session, user: User, *, origin: audit.Origin) -> None:
    """The owner turns the second step off, where the role allows it."""
    if is_required(user):
        raise DomainError(_("Your role needs the second step of sign-in; it cannot be turned off."))
    _remove(session, user)
    audit.record(session, "account.two_factor_disabled", actor_id=user.id, target_type="user",
                 target_id=user.id, **origin.as_details())
    emails.two_factor_changed(session, user, change="disabled")


def reset(session: Session, target: User, *, actor: User, origin: audit.Origin) -> None:
    """An administrator removes ``target``'s app and recovery codes (a lost phone): the owner is
    signed out everywhere and sets up a new app at the next sign-in, and is mailed."""
    if target.two_factor_enrolled_at is None:
        raise DomainError(_("This account has no second step of sign-in to reset."))
    if target.id == actor.id:
        raise DomainError(_("Change your own second step from your account page."))
    _remove(session, target)
    ended = end_all_sessions(session, target)
    audit.record(session, "account.two_factor_reset", actor_id=actor.id, target_type="user",
                 target_id=target.id, sessions_ended=ended, **origin.as_details())
    emails.two_factor_changed(session, target, change="reset")


def _remove(session: Session, user: User) -> None:
    session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.two_factor_enrolled_at = None
    session.flush()


def _matching_step(secret: str, code: str, *, after: int) -> int | None:
    """The time step, now or one either side, whose code is ``code`` and which comes after ``after``."""
    if not _SIX_DIGITS.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(utcnow().timestamp()) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if step > after and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4))
                      for _ in range(RECOVERY_GROUPS)) for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(user, normalize(code)))
                    for code in codes)
    session.flush()
    return codes


def _hash_recovery_code(user: User, code: str) -> str:
    """SHA-256 of the code salted with the account: 16 random characters (about 79 bits) need
    no slow hash, and a stolen table gives no code that works on another account."""
    return hashlib.sha256(f"civic-recovery:{user.id}:{code}".encode()).hexdigest()
