"""Webhooks of one's own account: registering one (its secret returned once), turning it off and on,
rotating its secret, asking for a test ping, deleting it. Deliveries are made by the sender
(civic.integrations.sender), never here and never inside a request.

Any signed-in account in good standing may hold hooks, each only its own (permissions); checked
here as well as on the page. Creation, deletion and turning off or on are audited with the address's
host only: the rest of an address may hold a receiver's own key. Flushes, never commits.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.agencies.queries import get_agency_by_code
from civic.cases.queries import get_case_by_slug
from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.time import utcnow
from civic.integrations import addresses, emails, permissions, signing
from civic.integrations.labels import EVENTS
from civic.integrations.models import DeliveryStatus, DisabledReason, Webhook, WebhookDelivery
from civic.integrations.queries import count_user_webhooks

log = logging.getLogger(__name__)

TARGET_TYPE = "webhook"
SLUG_MAX_LENGTH = 80
CODE_MAX_LENGTH = 20


@dataclass
class WebhookInput:
    url: str
    events: list[str] = field(default_factory=list)
    # Optional filters: a published case's slug, an agency's code (機關代碼).
    case: str = ""
    agency: str = ""


@dataclass(frozen=True)
class NewSecret:
    """A hook and its secret, which exists only in this object and the one page that shows it."""

    webhook: Webhook
    secret: str


def resolver() -> addresses.Resolver:
    """How host names are resolved: the system's, unless the configuration gives another (tests)."""
    return current_app.config.get("WEBHOOKS_RESOLVER") or addresses.system_resolver


def check_address(url: str) -> addresses.Target:
    """``url`` as the sender would reach it now, or AddressRefused: https (http only where allowed) to a
    host whose every address is public (any, where private addresses are allowed)."""
    config = current_app.config
    return addresses.check(url, resolver=resolver(), allow_http=config["WEBHOOKS_ALLOW_HTTP"],
                           allow_private=config["WEBHOOKS_ALLOW_PRIVATE"])


@dataclass
class _Checked:
    events: list[str]
    case_id: int | None
    agency_id: int | None


def webhook_errors(session: Session, data: WebhookInput) -> list[DomainError]:
    """A hook sends to an address the sender may reach (``check_address``), asks for at least one known
    event, and filters, if at all, on a published case and an existing agency. The form and
    ``create_webhook`` both ask here."""
    return _check(session, data)[1]


def _check(session: Session, data: WebhookInput) -> tuple[_Checked, list[DomainError]]:
    errors: list[DomainError] = []
    try:
        check_address(data.url)
    except addresses.AddressRefused as error:
        errors.append(error)
    known = [str(name) for name in EVENTS]
    if not data.events:
        errors.append(DomainError(_("Choose at least one event to be told of."), field="events"))
    elif any(name not in known for name in data.events):
        errors.append(DomainError(_("Choose only from the listed events."), field="events"))
    case_id = agency_id = None
    slug = (data.case or "").strip()
    if slug:
        case = get_case_by_slug(session, slug) if len(slug) <= SLUG_MAX_LENGTH else None
        if case is None or not case.is_published:
            errors.append(DomainError(_("No published case has the short name “%(slug)s”.",
                                        slug=slug[:SLUG_MAX_LENGTH]), field="case"))
        else:
            case_id = case.id
    code = (data.agency or "").strip()
    if code:
        agency = get_agency_by_code(session, code) if len(code) <= CODE_MAX_LENGTH else None
        if agency is None:
            errors.append(DomainError(_("No agency has the code “%(code)s”.", code=code[:CODE_MAX_LENGTH]),
                                      field="agency"))
        else:
            agency_id = agency.id
    events = [name for name in known if name in set(data.events or [])]
    return _Checked(events, case_id, agency_id), errors


def _require_owner(actor, hook: Webhook) -> None:
    if not permissions.can_manage_webhook(actor, hook):
        raise PermissionDenied(_("You may change only your own webhooks."))


def create_webhook(session: Session, data: WebhookInput, *, actor: User) -> NewSecret:
    """Register a hook for the actor. The secret is returned once, for the page to show; it is kept to
    sign deliveries and never shown again (rotate it to get a new one)."""
    if not permissions.can_use_webhooks(actor):
        raise PermissionDenied(_("Sign in with a confirmed account to register webhooks."))
    checked, errors = _check(session, data)
    for error in errors:
        raise error
    limit = current_app.config["WEBHOOKS_PER_ACCOUNT"]
    if count_user_webhooks(session, actor.id) >= limit:
        raise Conflict(_("An account may hold at most %(limit)d webhooks; delete one you no longer use.",
                         limit=limit), field="url")
    secret = signing.new_secret()
    hook = Webhook(user_id=actor.id, url=data.url.strip(), events=",".join(checked.events),
                   case_id=checked.case_id, agency_id=checked.agency_id, secret=secret, created_at=utcnow(),
                   failure_count=0)
    session.add(hook)
    session.flush()
    audit.record(session, "webhook.created", actor_id=actor.id, target_type=TARGET_TYPE, target_id=hook.id,
                 host=addresses.parse(hook.url, allow_http=True).host, events=checked.events)
    return NewSecret(webhook=hook, secret=secret)


def disable_webhook(session: Session, hook: Webhook, *, actor: User) -> None:
    """Turn one's own hook off: nothing more is sent to it, and new events are not kept for it."""
    _require_owner(actor, hook)
    if not hook.is_active:
        raise Conflict(_("This webhook is already turned off."))
    hook.disabled_at = utcnow()
    hook.disabled_reason = DisabledReason.owner
    session.flush()
    audit.record(session, "webhook.disabled", actor_id=actor.id, target_type=TARGET_TYPE, target_id=hook.id)


def enable_webhook(session: Session, hook: Webhook, *, actor: User) -> None:
    """Turn one's own hook back on, its address checked again. Events that happened while it was off
    are not sent to it: they were handed out then."""
    _require_owner(actor, hook)
    if hook.is_active:
        raise Conflict(_("This webhook is already turned on."))
    try:
        check_address(hook.url)
    except addresses.AddressRefused as error:
        raise DomainError(error.message) from None
    hook.disabled_at = None
    hook.disabled_reason = None
    hook.failure_count = 0
    session.flush()
    audit.record(session, "webhook.enabled", actor_id=actor.id, target_type=TARGET_TYPE, target_id=hook.id)


def rotate_secret(session: Session, hook: Webhook, *, actor: User) -> NewSecret:
    """Give one's own hook a new secret, returned once; deliveries from now on are signed with it."""
    _require_owner(actor, hook)
    hook.secret = signing.new_secret()
    hook.secret_rotated_at = utcnow()
    session.flush()
    audit.record(session, "webhook.secret_rotated", actor_id=actor.id, target_type=TARGET_TYPE,
                 target_id=hook.id)
    return NewSecret(webhook=hook, secret=hook.secret)


def send_ping(session: Session, hook: Webhook, *, actor: User) -> WebhookDelivery:
    """Queue a test delivery (event ``ping``) to one's own hook, sent once by the sender like any other."""
    _require_owner(actor, hook)
    if not hook.is_active:
        raise Conflict(_("Turn the webhook on before sending a test."))
    now = utcnow()
    delivery = WebhookDelivery(
        webhook_id=hook.id, event_id=None, event=signing.PING, status=DeliveryStatus.pending, attempts=0,
        next_attempt_at=now, created_at=now, error="",
        body=signing.body(id=f"ping-{uuid.uuid4().hex}", event=signing.PING, occurred_at=now,
                          data={"webhook": hook.id, "events": hook.event_list}))
    session.add(delivery)
    session.flush()
    return delivery


def delete_webhook(session: Session, hook: Webhook, *, actor: User) -> None:
    """Delete one's own hook and its delivery log."""
    _require_owner(actor, hook)
    hook_id = hook.id
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id)
                    .execution_options(synchronize_session=False))
    session.delete(hook)
    session.flush()
    audit.record(session, "webhook.deleted", actor_id=actor.id, target_type=TARGET_TYPE, target_id=hook_id)


def delivered(session: Session, hook_id: int, *, now: datetime) -> None:
    """A delivery to the hook arrived: the failures in a row start again from none."""
    session.execute(update(Webhook).where(Webhook.id == hook_id).values(failure_count=0, last_delivered_at=now)
                    .execution_options(synchronize_session=False))


def failed_for_good(session: Session, hook_id: int, *, last_error: str, now: datetime) -> bool:
    """A delivery to the hook failed for good: count it. At WEBHOOKS_DISABLE_AFTER in a row (none
    arrived in between) turn the hook off, record that no person did, and mail its owner how to turn it
    back on. Returns whether this call turned it off. Counted in the database, so senders running at
    once neither lose a failure nor turn a hook off twice."""
    session.execute(update(Webhook).where(Webhook.id == hook_id)
                    .values(failure_count=Webhook.failure_count + 1)
                    .execution_options(synchronize_session=False))
    limit = current_app.config["WEBHOOKS_DISABLE_AFTER"]
    turned_off = session.execute(
        update(Webhook).where(Webhook.id == hook_id, Webhook.disabled_at.is_(None), Webhook.failure_count >= limit)
        .values(disabled_at=now, disabled_reason=DisabledReason.failures)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not turned_off:
        return False
    hook = session.scalars(select(Webhook).where(Webhook.id == hook_id)
                           .execution_options(populate_existing=True)).one()
    audit.record(session, "webhook.disabled", actor_id=None, target_type=TARGET_TYPE, target_id=hook_id,
                 failures=hook.failure_count)
    emails.webhook_disabled(session, hook, session.get(User, hook.user_id), failures=hook.failure_count,
                            last_error=last_error)
    log.warning("webhook %s turned off after %s deliveries failed in a row", hook_id, hook.failure_count)
    return True
