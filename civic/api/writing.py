"""How a write API request runs: the token, the Idempotency-Key of a POST, the JSON body, one service
call, one commit; and how it is refused, in JSON, in the request's language.

Every write is ``@writes(scope)``: the token is checked first (401, 403), then a POST's key (400, a
replay, 422), then the view loads, authorizes and calls the same service as the staff form. The
change, its audit rows (marked with the token's prefix), its record entries and the stored answer
of its key are committed together; a refusal rolls all of it back. Views never commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Blueprint, Response, g, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from civic.api import bearer
from civic.api.params import ApiError
from civic.core.audit import AuditEntry
from civic.core.db import hook_sessions
from civic.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from civic.core.permissions import Permission
from civic.extensions import csrf, db, limiter, login_manager
from civic.integrations import idempotency
from civic.web.access import ACCESS_ATTRIBUTE, PERMISSION, Access

# The audit rows a request writes through a token carry its prefix under this key, and the session
# knows the token by it while the request runs.
AUDIT_KEY = "api_token"
_VIA = "civic.api.acting_through"
JSON_TYPES = ("application/json",)

bp = Blueprint("api_write", __name__)
# No session or cookie ever authenticates here (see act_only_through_the_token), so there is
# nothing for a forged cross-site form to ride on: the CSRF check would only refuse real clients.
csrf.exempt(bp)
limiter.shared_limit(bearer.write_limit, scope="write-api-token", key_func=bearer.token_key,
                     exempt_when=bearer.without_token)(bp)
limiter.shared_limit(bearer.failure_limit, scope="write-api-failed-authentication", key_func=bearer.address_key,
                     exempt_when=bearer.with_token, deduct_when=bearer.failed_authentication)(bp)


@bp.url_value_preprocessor
def act_only_through_the_token(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Before any other hook: the site sees an anonymous visitor, whatever cookies come along."""
    g._login_user = login_manager.anonymous_user()


@bp.teardown_request
def forget_the_visitor(error: BaseException | None) -> None:
    g.pop("_login_user", None)


@bp.record_once
def _install(state: Any) -> None:
    hook_sessions(before_flush=_mark_audit_entries)


def _mark_audit_entries(session: Session, flush_context: Any, instances: Any) -> None:
    """Name the token in every audit row written while a write API request runs."""
    prefix = session.info.get(_VIA)
    if prefix is None:
        return
    for entry in session.new:
        if isinstance(entry, AuditEntry) and AUDIT_KEY not in (entry.details or {}):
            entry.details = {**(entry.details or {}), AUDIT_KEY: prefix}


def through_token(view: Callable[..., Any]) -> Callable[..., Any]:
    """Declare the audience: holders of use_api_tokens, proven by the token, never by a session."""
    setattr(view, ACCESS_ATTRIBUTE, Access(PERMISSION, frozenset({Permission.use_api_tokens})))
    return view


# Refusals


class Refused(ApiError):
    """A body or a change refused, with what is wrong with each field (422) when it names them."""

    def __init__(self, status: int, code: str, message: str, fields: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(status, code, message)
        self.fields = dict(fields or {})


def forbidden(message: str) -> Refused:
    return Refused(403, "forbidden", message)


def not_found(message: str) -> Refused:
    return Refused(404, "not_found", message)


def conflict(message: str) -> Refused:
    return Refused(409, "conflict", message)


def to_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def respond(status: int, body: str, *, location: str | None = None, replayed: bool = False) -> Response:
    response = Response(body, status=status, mimetype="application/json")
    if not body:
        del response.headers["Content-Type"]
    response.headers["Cache-Control"] = "no-store"
    if location:
        response.headers["Location"] = location
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _error_json(payload: Any) -> str:
    """An error's JSON, always sendable: text that cannot be written in UTF-8 (a lone surrogate a
    client sent in a field's name or in its address) is escaped, as JSON allows."""
    text = to_json(payload)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload, separators=(",", ":"))
    return text


@bp.errorhandler(ApiError)
def refuse(error: ApiError) -> Response:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    fields = getattr(error, "fields", None)
    if fields and error.status == 422:
        body["fields"] = fields
    response = respond(error.status, _error_json({"error": body}))
    for name, value in getattr(error, "headers", {}).items():
        response.headers[name] = value
    return response


@bp.errorhandler(400)
def refuse_unreadable(error: HTTPException) -> Response:
    """A request the site's input gate turned away before the view (a NUL byte, as in a UTF-16
    body): answered like any other refusal here, as bad_json when the body was the cause."""
    raw = request.get_data(cache=True)
    if raw and (b"\x00" in raw or b"\\u0000" in raw.lower()):
        return refuse(Refused(400, "bad_json", _("The body is not valid JSON in UTF-8.")))
    return refuse(Refused(400, "bad_request", _("Check what you entered and try again.")))


def from_domain(error: DomainError, renamed: Mapping[str, str] | None = None) -> Refused:
    """A service's refusal as the API says it: 403, 404, 409, or 422 naming the field, by the
    body's name for it where the service's differs (``renamed``: service's name to the body's)."""
    if isinstance(error, PermissionDenied):
        return forbidden(error.message)
    if isinstance(error, NotFound):
        return not_found(error.message)
    if isinstance(error, Conflict):
        return conflict(error.message)
    field = error.field or "_body"
    return Refused(422, "invalid", error.message, {(renamed or {}).get(field, field): [error.message]})


def clashed() -> Refused:
    """A change that met another one made at the same moment at a unique constraint."""
    return conflict(_("Another change was saved at the same moment, and this one clashes with it. Read what is "
                      "there now, then send your change again if it is still needed."))


# The body


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"statements.0.speaker": [...], ...}; the body's own as _body."""
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
        return flat
    items = messages if isinstance(messages, list | tuple) else [messages]
    return {prefix or "_body": [str(item) for item in items]}


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


class _RepeatedName(ValueError):
    """A JSON object names one field twice: which value was meant cannot be known."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in pairs:
        if name in found:
            raise _RepeatedName(name)
        found[name] = value
    return found


def _unicode_throughout(data: Any) -> bool:
    """Whether every text of ``data`` (names and values, at any depth) can be written in UTF-8:
    a JSON escape like \\ud800 makes a lone surrogate, which no column and no answer can hold."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def body(schema: type[Schema]) -> dict[str, Any]:
    """The request's JSON object, checked by ``schema``: 415 for another media type, 400 for what is
    not JSON, 422 naming each field that is wrong. An empty body is an empty object."""
    raw = request.get_data(cache=True)
    sent = bool(raw.strip() or request.content_length or request.form)
    if sent and request.mimetype not in JSON_TYPES and not request.mimetype.endswith("+json"):
        raise Refused(415, "unsupported_media_type", _("Send the body as JSON, with Content-Type: "
                                                       "application/json."))
    data: Any = {}
    if raw.strip():
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_object)
        except _RepeatedName:
            raise Refused(400, "bad_json", _("An object in the body names the same field twice. Name each field "
                                             "once.")) from None
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise Refused(400, "bad_json", _("The body is not valid JSON in UTF-8.")) from None
        if not _unicode_throughout(data):
            raise Refused(400, "bad_json", _("The body holds an escape that stands for no character (a lone "
                                             "surrogate). Send text as valid Unicode."))
    try:
        return schema().load(data)
    except ValidationError as error:
        raise Refused(422, "invalid", _("Some fields are not right: each is named in fields, with what is wrong."),
                      _flatten(error.messages)) from None


# A write


@dataclass(frozen=True)
class Answer:
    """What a write answers: its JSON (None for 204), its status and, for what it made, its address."""

    payload: Any
    status: int = 200
    location: str | None = None


def _idempotency_key() -> str:
    key = request.headers.get("Idempotency-Key")
    if key is None or not idempotency.KEY_PATTERN.fullmatch(key):
        raise Refused(400, "bad_idempotency_key", _(
            "Send an Idempotency-Key header of 1 to 255 visible ASCII characters, new for each change (a UUID "
            "will do): sending the same request again with it replays the first answer."))
    return key


def writes(scope: str | None, *, renamed: Mapping[str, str] | None = None
           ) -> Callable[[Callable[..., Answer]], Callable[..., Response]]:
    """Run a write view as the token's holder: ``view(holder, **view_args)`` loads, authorizes and calls
    one service, and returns an Answer; this commits it, with a POST's key and its answer.

    A service's refusal names the body's field (``renamed`` maps the service's names that differ);
    a change that meets another at a unique constraint is 409, never 500."""

    def decorator(view: Callable[..., Answer]) -> Callable[..., Response]:
        @wraps(view)
        def run(**kwargs: Any) -> Response:
            token, holder = bearer.require(scope)
            key = fingerprint = None
            if request.method == "POST":
                key = _idempotency_key()
                fingerprint = idempotency.fingerprint(request.method, request.path, request.get_data(cache=True))
                stored = idempotency.find(db.session, token, key)
                if stored is not None:
                    if stored.fingerprint != fingerprint:
                        raise Refused(422, "idempotency_key_reused", _(
                            "This Idempotency-Key was used for another request. Use a new key for each change."))
                    return respond(stored.response_status, stored.response_body,
                                   location=stored.response_location, replayed=True)
            db.session.info[_VIA] = token.prefix
            try:
                try:
                    answer = view(holder, **kwargs)
                    db.session.flush()
                except DomainError as error:
                    raise from_domain(error, renamed) from None
                except IntegrityError:
                    raise clashed() from None
                text = to_json(answer.payload) if answer.payload is not None else ""
                if key is not None and fingerprint is not None:
                    try:
                        idempotency.store(db.session, token, key, fingerprint,
                                          idempotency.StoredAnswer(answer.status, text, answer.location))
                    except IntegrityError:
                        raise conflict(_("A request with this Idempotency-Key is being made. Wait for its answer, "
                                         "then send the request again to get it.")) from None
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.info.pop(_VIA, None)
            return respond(answer.status, text, location=answer.location)

        return through_token(run)

    return decorator
