"""Access checks called at the top of views: deny by default, say why in the user's language.

Every view declares its audience with one of ``public``, ``signed_in`` or
``permission_required(...)``, or sits behind a blueprint wall that requires a permission;
``undeclared_endpoints()`` names any that does neither, and a test fails on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any, NoReturn
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort
from flask_login import current_user, login_required

from civic.core.permissions import Permission, allowed

PUBLIC = "public"
SIGNED_IN = "signed in"
PERMISSION = "permission"
# The name of the attribute each marker sets on the view function.
ACCESS_ATTRIBUTE = "access"


@dataclass(frozen=True)
class Access:
    """Who a view is for: anyone, anyone signed in, or holders of one of ``permissions``."""

    audience: str
    permissions: frozenset[Permission] = frozenset()


def require(allowed: bool, *, status: int = 403) -> None:
    """Stop the request unless ``allowed``; use 404 for objects the user may not know of."""
    if not allowed:
        refuse(status)


def refuse(status: int = 403) -> NoReturn:
    abort(status)


def _declare(view: Callable[..., Any], access: Access) -> Callable[..., Any]:
    setattr(view, ACCESS_ATTRIBUTE, access)
    return view


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Declare a view open to everyone, signed in or not; its own checks (a secret token, a
    published object) still apply."""
    return _declare(view, Access(PUBLIC))


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anonymous visitors to sign in; any signed-in person may go on to the view's own
    object-level checks."""
    return _declare(login_required(view), Access(SIGNED_IN))


def permission_required(*permissions: Permission) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Send anonymous visitors to sign in; refuse with a 403 anyone who holds none of ``permissions``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require(any(allowed(current_user, permission) for permission in permissions))
            return view(*args, **kwargs)

        return _declare(wrapped, Access(PERMISSION, frozenset(permissions)))

    return decorator


def walled(blueprint: Blueprint, *permissions: Permission) -> Blueprint:
    """Put ``blueprint`` behind a wall: every request to it needs one of ``permissions``, whatever its
    views declare."""

    @blueprint.before_request
    @permission_required(*permissions)
    def wall() -> None:
        """Refuse anyone without the blueprint's permission."""

    return blueprint


def declared_access(app: Flask, endpoint: str) -> Access | None:
    """The audience declared for ``endpoint``: its view's own marker, else the permission its
    blueprint's wall requires, else None."""
    view = app.view_functions.get(endpoint)
    own = getattr(view, ACCESS_ATTRIBUTE, None)
    if own is not None:
        return own
    return wall_access(app, endpoint.rpartition(".")[0])


def wall_access(app: Flask, blueprint: str) -> Access | None:
    """The permission a blueprint's ``before_request`` wall requires, if it has such a wall."""
    for check in app.before_request_funcs.get(blueprint or None, ()):
        access = getattr(check, ACCESS_ATTRIBUTE, None)
        if access is not None and access.audience == PERMISSION:
            return access
    return None


def undeclared_endpoints(app: Flask) -> Iterator[str]:
    """Name each endpoint that declares no audience, or that says it is open while its blueprint's
    wall requires a permission (the wall would win, and the declaration would mislead)."""
    for endpoint in sorted(app.view_functions):
        if endpoint == "static" or endpoint.endswith(".static"):
            continue
        access = declared_access(app, endpoint)
        walled = wall_access(app, endpoint.rpartition(".")[0])
        if access is None or (walled is not None and access.audience != PERMISSION):
            yield endpoint


def account_key(scope: str) -> Callable[[], str]:
    """A rate limit's key for "per account": the account's id, the same in every browser and every
    sign-in (``current_user.get_id()`` is the session, which a new sign-in would reset)."""
    return lambda: f"{scope}:account:{getattr(current_user, 'id', None) or 'anonymous'}"


def safe_next(target: str | None, default: str = "/") -> str:
    """Return ``target`` only if it is a path on this site, so ``next=`` cannot send people away."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return default
    return target
