"""Who a write API request acts for: the personal access token in ``Authorization: Bearer``, looked up
once per request through civic.integrations.services.authenticate, and the rate limits keyed on it.

Cookies never count here: the write blueprint treats every request as anonymous to the site (so
neither a signed-in browser nor a forged cross-site form can act through it) and acts only as the
token's holder, with the permissions the holder has at that moment.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from civic.accounts.models import User
from civic.api.params import ApiError
from civic.core.time import utcnow
from civic.extensions import db
from civic.integrations import services
from civic.integrations.models import ApiToken

# Where the request keeps its token once looked up (the environ lives exactly as long as the request).
_ENVIRON_KEY = "civic.api.bearer"
_MISSING = object()


class BearerRefusal(ApiError):
    """A refusal that names the scheme to use (RFC 6750): 401 without a usable token, 403 without
    the scope."""

    def __init__(self, status: int, code: str, message: str, challenge: str) -> None:
        super().__init__(status, code, message)
        self.headers = {"WWW-Authenticate": challenge}


def presented() -> str | None:
    """The token the request presents, or None when it presents none in the Bearer scheme."""
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def current_token() -> ApiToken | None:
    """The usable token of this request, if any; looked up once and kept for the request.

    authenticate() writes last_used_at at most once a minute; that is committed here at once, so the
    use is on record whatever becomes of the request.
    """
    found = request.environ.get(_ENVIRON_KEY, _MISSING)
    if found is not _MISSING:
        return found
    secret = presented()
    token = None
    if secret is not None:
        started = utcnow()
        token = services.authenticate(db.session, secret)
        if token is not None and token.last_used_at is not None and token.last_used_at >= started:
            db.session.commit()
    request.environ[_ENVIRON_KEY] = token
    return token


def require(scope: str | None) -> tuple[ApiToken, User]:
    """The request's token and its holder; else refuse: 401 without a usable token, 403 when the
    token was not given ``scope``."""
    token = current_token()
    if token is None:
        if presented() is None:
            raise BearerRefusal(401, "unauthorized", _(
                "Send a personal access token in the header Authorization: Bearer civ_…. Staff and "
                "administrators make one at /account/tokens."), 'Bearer realm="civic"')
        raise BearerRefusal(401, "invalid_token", _(
            "This token does not work: it is unknown, expired or revoked, or its holder may no longer use "
            "the write API."), 'Bearer realm="civic", error="invalid_token"')
    if scope is not None and not token.allows(scope):
        raise BearerRefusal(403, "insufficient_scope", _(
            "This token may not do this: it needs the scope %(scope)s. Make a token with it at "
            "/account/tokens.", scope=scope), f'Bearer realm="civic", error="insufficient_scope", scope="{scope}"')
    holder = db.session.get(User, token.user_id)
    assert holder is not None  # authenticate() checked the holder a moment ago
    return token, holder


# Rate limits: per token for requests that carry a usable one, per address for failed authentication.


def write_limit() -> str:
    return current_app.config["WRITE_API_RATE_LIMIT"]


def failure_limit() -> str:
    return current_app.config["WRITE_API_AUTH_FAILURE_RATE_LIMIT"]


def token_key() -> str:
    token = current_token()
    return f"token:{token.id}" if token is not None else ""


def without_token() -> bool:
    return current_token() is None


def with_token() -> bool:
    return current_token() is not None


def address_key() -> str:
    return get_remote_address()


def failed_authentication(response) -> bool:
    return response.status_code == 401
