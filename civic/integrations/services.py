"""Personal access tokens: making one (its secret returned once, only its hash kept), revoking it, and
finding the token a request presents. Each creation and revocation is audited, never with the secret.

Only staff and administrators hold tokens (permissions); checked here as well as on the page.
Flushes, never commits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, guarded
from civic.core.text import text_error
from civic.core.time import to_taipei, utcnow
from civic.integrations import permissions
from civic.integrations.models import ApiScope, ApiToken

NAME_MAX_LENGTH = 80
# A token lives at most a year: a forgotten one stops working on its own.
LONGEST_DAYS = 365
# What the form offers; the rule itself allows any whole number of days up to LONGEST_DAYS.
OFFERED_DAYS = (30, 90, 365)
TOKEN_PREFIX = "civ_"  # noqa: S105 - the visible start of every token, not a secret
SHOWN_PREFIX_LENGTH = 8
# Longer than any token we make: anything else is not looked up at all.
TOKEN_MAX_LENGTH = 100
# last_used_at is written at most this often, so a busy integration does not write on every call.
LAST_USE_PRECISION = timedelta(minutes=1)
TARGET_TYPE = "api_token"


@dataclass
class TokenInput:
    name: str
    scopes: list[str] = field(default_factory=list)
    days: int | None = None


@dataclass(frozen=True)
class NewToken:
    """A token just made and its secret, which exists only in this object and the page that shows it."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    """The SHA-256 hex of a token's secret, the only form of it the database holds."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_errors(data: TokenInput) -> list[DomainError]:
    """A token has a name of up to NAME_MAX_LENGTH characters, at least one known scope, and lives
    between one day and LONGEST_DAYS. The form and ``create_token`` both ask here."""
    errors = []
    error = text_error(data.name or "", field="name", required=_("Enter a name for the token."),
                       longest=NAME_MAX_LENGTH)
    if error:
        errors.append(error)
    known = {scope.value for scope in ApiScope}
    if not data.scopes:
        errors.append(DomainError(_("Choose at least one thing the token may do."), field="scopes"))
    elif any(scope not in known for scope in data.scopes):
        errors.append(DomainError(_("Choose only from the listed scopes."), field="scopes"))
    if data.days is None or not 1 <= data.days <= LONGEST_DAYS:
        errors.append(DomainError(_("A token lives between 1 and 365 days."), field="expires_in"))
    return errors


@guarded(Permission.use_api_tokens)
def create_token(session: Session, data: TokenInput, *, actor) -> NewToken:
    """Make a token for the actor. The secret is returned once, for the page to show; only its hash
    and its first characters are stored."""
    if not permissions.can_use_tokens(actor):
        raise PermissionDenied(_("Only staff and administrators hold tokens for the write API."))
    for error in token_errors(data):
        raise error
    secret = new_secret()
    now = utcnow()
    scopes = [scope.value for scope in ApiScope if scope.value in set(data.scopes)]
    token = ApiToken(user_id=actor.id, name=data.name.strip(), scopes=",".join(scopes),
                     token_hash=hash_secret(secret), prefix=secret[:SHOWN_PREFIX_LENGTH], created_at=now,
                     expires_at=now + timedelta(days=data.days))
    session.add(token)
    session.flush()
    audit.record(session, "api_token.created", actor_id=actor.id, target_type=TARGET_TYPE, target_id=token.id,
                 scopes=scopes, expires_on=to_taipei(token.expires_at).date().isoformat())
    return NewToken(token=token, secret=secret)


@guarded(Permission.use_api_tokens)
def revoke_token(session: Session, token: ApiToken, *, actor) -> None:
    """Revoke one of the actor's own tokens: it stops working at once and cannot be used again."""
    if not permissions.can_manage(actor, token):
        raise PermissionDenied(_("You may revoke only your own tokens."))
    if token.revoked_at is not None:
        raise Conflict(_("This token is already revoked."))
    token.revoked_at = utcnow()
    session.flush()
    audit.record(session, "api_token.revoked", actor_id=actor.id, target_type=TARGET_TYPE, target_id=token.id)


def authenticate(session: Session, bearer: str) -> ApiToken | None:
    """The token a request presents in ``Authorization: Bearer``, if it may act now; else None.

    The write API will call this for every request. A token works while it is neither revoked nor
    expired and its holder is active, confirmed and still holds ``use_api_tokens`` (a holder demoted,
    suspended or deleted loses every token at once). The lookup is by the secret's hash, so nothing is
    compared character by character against a secret. ``last_used_at`` is written at most once per
    LAST_USE_PRECISION; the caller commits.
    """
    if not bearer or len(bearer) > TOKEN_MAX_LENGTH or not bearer.startswith(TOKEN_PREFIX):
        return None
    digest = hash_secret(bearer)
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    now = utcnow()
    if not token.is_usable(now):
        return None
    holder = session.get(User, token.user_id)
    if holder is None or not holder.is_verified or not permissions.can_use_tokens(holder):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        token.last_used_at = now
        session.flush()
    return token
