"""Error pages in the user's language, JSON errors under /api/, and 503 when the database is away.

No handler ever shows a stack trace. A failure before the request sent a COMMIT left nothing
stored, and the page says so; from the moment a COMMIT is on its way the outcome is unknown (the
connection may drop before the answer comes back, or a later step may fail after it was stored),
and the page says that instead, with how to check before sending again.
"""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, Response, g, has_request_context, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from civic.extensions import db, login_manager

log = logging.getLogger(__name__)

# Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 30

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have permission to see this page"),
    404: _l("Page not found"),
    405: _l("This address does not accept that kind of request"),
    413: _l("What you sent is too large"),
    429: _l("Too many requests"),
    500: _l("Sorry, something went wrong on our side"),
    503: _l("The service is temporarily unavailable"),
}
EXPLANATIONS = {
    400: _l("Check what you entered and try again."),
    403: _l("If you think you should have access, sign in with the right account or contact the site administrators."),
    404: _l("Check the address, or start again from the home page."),
    405: _l("Go back to the previous page and use the form or link there."),
    413: _l("Shorten your text or send a smaller file, then try again."),
    429: _l("You have made too many requests in a short time. Wait a moment and try again."),
    500: _l("The problem has been recorded. Nothing you sent has been stored; please try again later."),
    503: _l(
        "We cannot reach our database at the moment. Nothing you sent has been stored; "
        "please try again in a minute."
    ),
}
# Said instead of "nothing has been stored" once the request has sent a COMMIT.
OUTCOME_UNKNOWN = {
    500: _l("The problem has been recorded. It happened while or after storing what you sent, so it may have "
            "been stored."),
    503: _l("We lost the connection to our database while storing what you sent, so we cannot tell whether it "
            "was stored."),
}
CHECK_BEFORE_SENDING_AGAIN = _l(
    "Check before you send it again: if it was stored, it shows on the page where you sent it, and any "
    "confirmation mail will reach you."
)
CSRF_EXPLANATION = _l(
    "The form was sent without its security token or the token has expired. "
    "Go back, reload the page and send the form again."
)


# What the request notes for its error page: the WSGI environ lives exactly as long as the
# request, while ``g`` is shared by requests made inside one application context (as tests do).
COMMIT_SENT = "civic.commit_sent"
HOW_TO_CHECK = "civic.how_to_check_if_stored"


def note_commit_sent(connection: Connection) -> None:
    """Runs just before a COMMIT goes to the database, on every engine."""
    if has_request_context():
        request.environ[COMMIT_SENT] = True


def commit_was_sent() -> bool:
    """Whether this request has sent a COMMIT: if so, a failure cannot promise that nothing was stored."""
    return has_request_context() and bool(request.environ.get(COMMIT_SENT))


def how_to_check_if_stored(hint: str) -> None:
    """Tell the error page how this form's sender can check whether it was stored, should the
    database fail during or after the commit. Called by a view just before it commits."""
    request.environ[HOW_TO_CHECK] = hint


def _outcome_explanation(status: int) -> str | None:
    """The page's explanation when a COMMIT had gone out; None keeps "nothing has been stored"."""
    if not commit_was_sent():
        return None
    return f"{OUTCOME_UNKNOWN[status]} {request.environ.get(HOW_TO_CHECK) or CHECK_BEFORE_SENDING_AGAIN}"


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, *, code: str | None = None) -> Response:
    """An error page, or a JSON error under /api/, with ``status``."""
    title = str(TITLES.get(status, TITLES[500]))
    explanation = message or str(EXPLANATIONS.get(status, EXPLANATIONS[500]))
    if wants_json():
        body = {"error": {"code": code or _status_code_name(status), "message": explanation}}
        return make_response(jsonify(body), status)
    page = render_template("errors/error.html", status=status, title=title,
                           explanation=explanation)
    return make_response(page, status)


def _status_code_name(status: int) -> str:
    return {
        400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
        413: "too_large", 429: "rate_limited", 500: "server_error", 503: "unavailable",
    }.get(status, "error")


def _forget_user_after_failure() -> None:
    """Let the error page render as anonymous when the user could not be loaded."""
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if status == 500:
        return handle_server_error(error)
    response = error_response(status)
    # 405 names the methods the address takes; 401 and 416 carry headers of their own too.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_csrf_error(error: CSRFError):
    return error_response(400, str(CSRF_EXPLANATION), code="csrf_failed")


def handle_database_unavailable(error: DBAPIError):
    log.error("database unavailable: %s", type(error).__name__)
    with contextlib.suppress(DBAPIError):
        db.session.rollback()
    _forget_user_after_failure()
    response = error_response(503, _outcome_explanation(503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_server_error(error: Exception):
    original = getattr(error, "original_exception", None) or error
    if isinstance(original, OperationalError) or (
        isinstance(original, DBAPIError) and original.connection_invalidated
    ):
        return handle_database_unavailable(original)
    if not isinstance(error, InternalServerError | HTTPException):
        log.exception("unhandled error", exc_info=error)
    with contextlib.suppress(DBAPIError):
        db.session.rollback()
    _forget_user_after_failure()
    return error_response(500, _outcome_explanation(500))


def retry_after_only_where_meant(response: Response) -> Response:
    """Flask-Limiter writes Retry-After on every limited response (when its window ends), which
    overwrote the 30 seconds of a 503. Only a 429 and a 503 ask the client to come back later,
    and a 503 says when in its own words. Runs after the limiter's hook (registered before it)."""
    if response.status_code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    elif response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def init_app(app: Flask) -> None:
    if not event.contains(Engine, "commit", note_commit_sent):
        event.listen(Engine, "commit", note_commit_sent)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_server_error)
