"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_login import current_user

# No inline script or style anywhere: everything comes from /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Files that are the same for everyone, signed in or not, and keep their own caching headers.
SAME_FOR_EVERYONE = ("static", "site.favicon")


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    if request.endpoint not in SAME_FOR_EVERYONE and _signed_in():
        # Pages of a signed-in person (their account, an inbox, attendee lists) must not be kept
        # by the browser or any cache between it and us.
        headers["Cache-Control"] = "no-store"
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    if current_app.config.get("SECURITY_HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _signed_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # the user could not be loaded (the database is away): nobody is signed in
        return False


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
