"""Access checks called at the top of views: deny by default, say why in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required

from civic.core.roles import Role


def require(allowed: bool, *, status: int = 403) -> None:
    """Stop the request unless ``allowed``; use 404 for objects the user may not know of."""
    if not allowed:
        refuse(status)


def refuse(status: int = 403) -> NoReturn:
    abort(status)


def role_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let signed-in users with one of ``roles`` through; send others to login or a 403."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require(current_user.role in roles)
            return view(*args, **kwargs)

        return wrapped

    return decorator


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
