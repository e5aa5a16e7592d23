"""The session cookie is sent again only by answers that may carry news for it.

Flask re-sends a permanent session's cookie with every answer, to slide its expiry. A page's
stylesheet, script or icon is fetched alongside the page with the cookie the browser held when it
asked; when such an answer arrives after the page that changed the session (``?lang=en``, a sign-in,
a flashed message read), its older copy of the cookie overwrote the newer one, and the next page
came back in the other language. Here an unchanged session is refreshed only by a page the browser
navigated to; answers to sub-requests (static files, scripts' fetches) never send the cookie unless
they changed the session themselves.
"""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin


def _is_navigation() -> bool:
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:
        return mode == "navigate"
    # Browsers without fetch metadata: anything but a static file counts as a page.
    return request.endpoint not in {"static", "site.favicon"}


class NavigationRefreshedSessions(SecureCookieSessionInterface):
    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        return bool(session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"] and _is_navigation())


def init_app(app: Flask) -> None:
    app.session_interface = NavigationRefreshedSessions()
