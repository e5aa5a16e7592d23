"""Checking a password at sign-in: the failure count kept in the database, the lock that grows
with further failures, and the audit entry of every refusal. Flushes, never commits: the caller
commits a refusal too, so that its count and its entry are kept.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from civic.accounts import passwords, security_events, two_factor
from civic.accounts.models import TrustedSignInAddress, UnknownAddressFailures, User
from civic.accounts.queries import get_user_by_email, normalize_email
from civic.core import audit
from civic.core.errors import DomainError
from civic.core.time import utcnow

# Minutes of the first lock after repeated failures; it doubles with each further failure.
FIRST_LOCK_MINUTES = 1
MAX_LOCK_MINUTES = 60
# Counts of failures with unknown addresses are forgotten after a quiet day.
UNKNOWN_ADDRESS_MEMORY = timedelta(days=1)


class LoginRefused(DomainError):
    """The login failed; the failure count and the audit entry it wrote must still be committed.

    ``failure`` says why, for the audit trail: unknown_account, wrong_password, locked,
    suspended or unverified.
    """

    def __init__(self, message: str, *, failure: str) -> None:
        super().__init__(message)
        self.failure = failure


def authenticate(session: Session, *, email: str, password: str, origin: audit.Origin) -> User:
    """Return the user whose credentials these are, counting failures in the database.

    After LOGIN_FAILURES_BEFORE_LOCK failures the account refuses logins for a while that
    doubles with each further failure, whichever server process the attempts reach. Each attempt
    is counted before its password is checked, in one UPDATE that holds the account's row until
    the attempt's transaction ends: however many arrive at once, no more than the threshold are
    ever checked.

    A refusal is recorded in the audit trail with ``origin`` (the sign-in itself is recorded
    when its session starts), in the same transaction as the failure count.
    """
    user = get_user_by_email(session, email)
    if user is not None and user.deleted_at is not None:
        user = None
    try:
        if user is None:
            _refuse_unknown_address(session, email, password)
        return _check_credentials(session, user, password, origin)
    except LoginRefused as refused:
        audit.record(session, "account.sign_in_failed", actor_id=None,
                     **security_events.target(user, email), failure=refused.failure,
                     **origin.as_details())
        raise


def _check_credentials(session: Session, user: User, password: str, origin: audit.Origin) -> User:
    now = utcnow()
    _check_counted(session, user, origin,
                   lambda: "password" if passwords.verify_password(user.password_hash, password) else None,
                   failure="wrong_password", message=_("The email address or password is not correct."))
    if user.two_factor_enrolled_at is None:
        user.failed_logins = 0
        user.locked_until = None
    if user.suspended_at is not None:
        raise LoginRefused(_("This account is suspended. Contact the site administrators."),
                           failure="suspended")
    if not user.is_verified:
        raise LoginRefused(
            _("Confirm your email address first: open the link we sent you, or ask for a new one."),
            failure="unverified",
        )
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    if user.two_factor_enrolled_at is None:
        _succeed(session, user, origin, now)
    # Otherwise the attempt stays counted until the code of the second step is right, so that a
    # known password does not buy unlimited guesses at codes.
    return user


def second_step(session: Session, user: User, code: str, *, origin: audit.Origin) -> str:
    """Check the code of the second step for ``user``, whose password was right; return how it
    was given (``totp`` or ``recovery_code``). Wrong codes count and lock as wrong passwords do."""
    try:
        kind = _check_counted(session, user, origin, lambda: two_factor.check(session, user, code),
                              failure="wrong_code",
                              message=_("That code is not right. Type the six digits your app shows now, "
                                        "or one of your recovery codes."))
    except LoginRefused as refused:
        audit.record(session, "account.sign_in_failed", actor_id=None, target_type="user",
                     target_id=user.id, failure=refused.failure, **origin.as_details())
        raise
    _succeed(session, user, origin, utcnow())
    return kind


def reconfirm(session: Session, user: User, *, password: str, code: str, origin: audit.Origin) -> None:
    """Check a signed-in person again before a sensitive action: the password, and a code where
    the second step is set up. Failures count towards the account's lock."""

    def right() -> str | None:
        if not passwords.verify_password(user.password_hash, password):
            return None
        if user.two_factor_enrolled_at is None:
            return "password"
        return two_factor.check(session, user, code)

    try:
        _check_counted(session, user, origin, right, failure="wrong_confirmation",
                       message=_("The password or the code is not correct."))
    except LoginRefused as refused:
        audit.record(session, "account.confirmation_failed", actor_id=user.id, target_type="user",
                     target_id=user.id, failure=refused.failure, **origin.as_details())
        raise
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, "account.confirmed", actor_id=user.id, target_type="user", target_id=user.id,
                 **origin.as_details())


def _check_counted(session: Session, user: User, origin: audit.Origin, check: Callable[[], str | None], *,
                   failure: str, message: str) -> str:
    """Run ``check`` as one counted attempt on the account: refused while it is locked, and a
    failure at the threshold locks it."""
    now = utcnow()
    # The owner signing in from where they signed in before is not shut out by a lock that
    # failures from elsewhere set; the per-address rate limit still holds them to a few tries.
    trusted = _is_trusted(session, user, origin, now)
    if user.locked_until is not None and user.locked_until > now and not trusted:
        raise _locked(user.locked_until, now)
    attempt = _count_attempt(session, user)
    threshold = current_app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    if attempt > threshold and user.locked_until is not None and user.locked_until > now and not trusted:
        # Another attempt locked the account while this one waited for the row.
        raise _locked(user.locked_until, now)
    result = check()
    if result is None:
        if attempt >= threshold:
            lock = _lock_minutes(attempt, threshold)
            user.locked_until = now + timedelta(minutes=lock)
            audit.record(session, "account.locked", actor_id=None, target_type="user",
                         target_id=user.id, minutes=lock, **origin.as_details())
        session.flush()
        raise LoginRefused(message, failure=failure)
    return result


def _succeed(session: Session, user: User, origin: audit.Origin, now: datetime) -> None:
    """Every step passed: forget the failures and trust the address the owner came from."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    _trust(session, user, origin, now)


def _count_attempt(session: Session, user: User) -> int:
    """Add one to the account's failures in the database and return the new count; the row stays
    locked (PostgreSQL) or the database written (SQLite) until the transaction ends, so
    concurrent attempts on one account take turns and each sees the others' count.
    """
    attempt = session.execute(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins, User.locked_until)
        .execution_options(synchronize_session=False)
    ).one()
    set_committed_value(user, "failed_logins", attempt.failed_logins)
    set_committed_value(user, "locked_until", attempt.locked_until)
    return attempt.failed_logins


def _lock_minutes(failures: int, threshold: int) -> int:
    return min(FIRST_LOCK_MINUTES * 2 ** (failures - threshold), MAX_LOCK_MINUTES)


def _locked(locked_until: datetime, now: datetime) -> LoginRefused:
    minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
    return LoginRefused(
        ngettext(
            "Too many failed attempts. Try again in %(num)d minute or reset your password.",
            "Too many failed attempts. Try again in %(num)d minutes or reset your password.",
            minutes,
        ),
        failure="locked",
    )


def _keyed(text: str) -> str:
    """An HMAC of ``text`` under the site's secret: an address or an email kept without being
    readable, and without a table of every IPv4 address undoing it."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), text.encode(), "sha256").hexdigest()


def _refuse_unknown_address(session: Session, email: str, password: str) -> None:
    """Answer an address without an account as a wrong password is answered, lock included: the
    same message, after the same failures, in about the same time."""
    now = utcnow()
    key = _keyed(normalize_email(email))
    session.execute(delete(UnknownAddressFailures).where(
        UnknownAddressFailures.updated_at < now - UNKNOWN_ADDRESS_MEMORY))
    locked_until = session.scalar(select(UnknownAddressFailures.locked_until)
                                  .where(UnknownAddressFailures.address_key == key))
    if locked_until is not None and locked_until > now:
        raise _locked(locked_until, now)
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    failures = session.execute(
        insert(UnknownAddressFailures).values(address_key=key, failures=1, updated_at=now)
        .on_conflict_do_update(index_elements=["address_key"],
                               set_={"failures": UnknownAddressFailures.failures + 1, "updated_at": now})
        .returning(UnknownAddressFailures.failures)).scalar_one()
    passwords.verify_password("", password)
    threshold = current_app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    if failures >= threshold:
        session.execute(update(UnknownAddressFailures).where(UnknownAddressFailures.address_key == key)
                        .values(locked_until=now + timedelta(minutes=_lock_minutes(failures, threshold))))
    raise LoginRefused(_("The email address or password is not correct."), failure="unknown_account")


def _is_trusted(session: Session, user: User, origin: audit.Origin, now: datetime) -> bool:
    if not origin.address:
        return False
    since = now - timedelta(days=current_app.config["SIGN_IN_TRUSTED_DAYS"])
    return session.scalar(select(TrustedSignInAddress.user_id).where(
        TrustedSignInAddress.user_id == user.id, TrustedSignInAddress.address_key == _keyed(origin.address),
        TrustedSignInAddress.last_success_at >= since)) is not None


def _trust(session: Session, user: User, origin: audit.Origin, now: datetime) -> None:
    if not origin.address:
        return
    trusted = session.get(TrustedSignInAddress, (user.id, _keyed(origin.address)))
    if trusted is None:
        session.add(TrustedSignInAddress(user_id=user.id, address_key=_keyed(origin.address), last_success_at=now))
    else:
        trusted.last_success_at = now
