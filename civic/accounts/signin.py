"""Checking a password at sign-in: the failure count kept in the database, the lock that grows
with further failures, and the audit entry of every refusal. Flushes, never commits: the caller
commits a refusal too, so that its count and its entry are kept.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from civic.accounts import passwords, security_events
from civic.accounts.models import User
from civic.accounts.queries import get_user_by_email
from civic.core import audit
from civic.core.errors import DomainError
from civic.core.time import utcnow

# Minutes of the first lock after repeated failures; it doubles with each further failure.
FIRST_LOCK_MINUTES = 1
MAX_LOCK_MINUTES = 60


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
        return _check_credentials(session, user, password, origin)
    except LoginRefused as refused:
        audit.record(session, "account.sign_in_failed", actor_id=None,
                     **security_events.target(user, email), failure=refused.failure,
                     **origin.as_details())
        raise


def _check_credentials(session: Session, user: User | None, password: str, origin: audit.Origin
                       ) -> User:
    now = utcnow()
    if user is None:
        passwords.verify_password("", password)
        raise LoginRefused(_("The email address or password is not correct."),
                           failure="unknown_account")
    if user.locked_until is not None and user.locked_until > now:
        raise _locked(user, now)
    attempt = _count_attempt(session, user)
    threshold = current_app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    if attempt > threshold and user.locked_until is not None and user.locked_until > now:
        # Another attempt locked the account while this one waited for the row.
        raise _locked(user, now)
    if not passwords.verify_password(user.password_hash, password):
        if attempt >= threshold:
            lock = min(FIRST_LOCK_MINUTES * 2 ** (attempt - threshold), MAX_LOCK_MINUTES)
            user.locked_until = now + timedelta(minutes=lock)
            audit.record(session, "account.locked", actor_id=None, target_type="user",
                         target_id=user.id, minutes=lock, **origin.as_details())
        session.flush()
        raise LoginRefused(_("The email address or password is not correct."),
                           failure="wrong_password")
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
    user.last_login_at = now
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


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


def _locked(user: User, now) -> LoginRefused:
    minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
    return LoginRefused(
        ngettext(
            "Too many failed attempts. Try again in %(num)d minute or reset your password.",
            "Too many failed attempts. Try again in %(num)d minutes or reset your password.",
            minutes,
        ),
        failure="locked",
    )
