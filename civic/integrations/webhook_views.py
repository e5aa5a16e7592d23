"""The webhooks of one's own account: the list and the form to register one (its secret shown once, in
the answer to that POST), one hook's page with its delivery log, and turning it off and on, rotating
its secret (shown once), a test ping and deleting it.

Any signed-in account; another person's hook answers 404. Nothing is sent from here: the sender
(``webhooks send``) delivers what these pages queue. Tries to register and test pings are limited per
account (WEBHOOKS_CREATE_RATE_LIMIT, WEBHOOKS_PING_RATE_LIMIT): each resolves a name or sends a request.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from civic.extensions import db, limiter
from civic.integrations import labels, permissions, queries, webhooks
from civic.integrations.forms import WebhookForm
from civic.integrations.models import Webhook
from civic.web.access import account_key, require, signed_in
from civic.web.forms import already_sent, attach_rule_errors, form_status, post_button, refusal, remember_sent
from civic.web.paging import requested_page

bp = Blueprint("webhooks", __name__, url_prefix="/account/webhooks")


def _create_limit() -> str:
    return current_app.config["WEBHOOKS_CREATE_RATE_LIMIT"]


def _ping_limit() -> str:
    return current_app.config["WEBHOOKS_PING_RATE_LIMIT"]




def load_own_hook(hook_id: int) -> Webhook:
    """One of the current person's hooks: else 404, so nobody learns another's hook exists."""
    hook = queries.get_user_webhook(db.session, current_user.id, hook_id)
    if hook is None or not permissions.can_manage_webhook(current_user, hook):
        abort(404)
    return hook


def _private(response):
    # The page may hold a secret shown once: no copy of it may be kept anywhere.
    response.headers["Cache-Control"] = "no-store"
    return response


def _index_page(form: WebhookForm, status: int, created: webhooks.NewSecret | None = None, *,
                resent: bool = False):
    hooks = queries.list_user_webhooks(db.session, current_user.id)
    cases, agencies = queries.filters_of(db.session, hooks)
    return _private(make_response(render_template(
        "integrations/webhooks.html", form=form, hooks=hooks, cases=cases, agencies=agencies, created=created,
        resent=resent, reasons=labels.DISABLED_REASONS), status))


def _hook_page(hook: Webhook, *, page: int = 1, secret: str | None = None):
    deliveries = queries.list_deliveries(db.session, hook.id, page=page)
    cases, agencies = queries.filters_of(db.session, [hook])
    return _private(make_response(render_template(
        "integrations/webhook.html", hook=hook, deliveries=deliveries, case=cases.get(hook.case_id),
        agency=agencies.get(hook.agency_id), secret=secret, events=labels.EVENTS,
        statuses=labels.DELIVERY_STATUSES, errors=labels.DELIVERY_ERRORS, reasons=labels.DISABLED_REASONS)))


@bp.route("", methods=["GET", "POST"])
@signed_in
@limiter.limit(_create_limit, key_func=account_key("webhooks-create"), methods=["POST"])
def index():
    """The person's webhooks and the form to register one; a new hook's secret is shown in this answer only."""
    require(permissions.can_use_webhooks(current_user))
    form = WebhookForm()
    valid = form.validate_on_submit()
    if form.is_submitted() and not form.csrf_token.errors:
        # The rules (the address resolved and checked, the case, the agency) beside the shape's errors.
        valid = attach_rule_errors(form, webhooks.webhook_errors(db.session, form.webhook_input()), "url") and valid
    if not valid:
        return _index_page(form, form_status(form))
    if already_sent(form.submission.data):
        return _index_page(WebhookForm(formdata=None), 200, resent=True)
    with refusal(form, "url") as refused:
        created = webhooks.create_webhook(db.session, form.webhook_input(), actor=current_user)
    if refused:
        return _index_page(form, 422)
    db.session.commit()
    remember_sent(form.submission.data)
    # A fresh, empty form under the secret, so the page never offers to register the same hook again.
    return _index_page(WebhookForm(formdata=None), 200, created=created)


@bp.get("/<int:hook_id>")
@signed_in
def detail(hook_id: int):
    """One of one's hooks: its settings and its delivery log, newest first."""
    hook = load_own_hook(hook_id)
    page = requested_page()
    if page is None:
        abort(400)
    return _hook_page(hook, page=page)


@bp.post("/<int:hook_id>/disable")
@signed_in
def disable(hook_id: int):
    """Turn one's hook off: nothing more is sent to it."""
    hook = load_own_hook(hook_id)
    return post_button(lambda: webhooks.disable_webhook(db.session, hook, actor=current_user),
                       done=_("The webhook is turned off: nothing more is sent to it."),
                       then=url_for("webhooks.detail", hook_id=hook_id))


@bp.post("/<int:hook_id>/enable")
@signed_in
def enable(hook_id: int):
    """Turn one's hook back on, its address checked again."""
    hook = load_own_hook(hook_id)
    return post_button(lambda: webhooks.enable_webhook(db.session, hook, actor=current_user),
                       done=_("The webhook is turned on: events from now on are sent to it."),
                       then=url_for("webhooks.detail", hook_id=hook_id))


@bp.post("/<int:hook_id>/ping")
@signed_in
@limiter.limit(_ping_limit, key_func=account_key("webhooks-ping"))
def ping(hook_id: int):
    """Queue a test delivery to one's hook; the sender sends it and the log shows how it went."""
    hook = load_own_hook(hook_id)
    return post_button(lambda: webhooks.send_ping(db.session, hook, actor=current_user),
                       done=_("A test delivery is on its way. It shows in the log below once it has been sent."),
                       then=url_for("webhooks.detail", hook_id=hook_id))


@bp.post("/<int:hook_id>/rotate")
@signed_in
def rotate(hook_id: int):
    """Give one's hook a new secret, shown in this answer only; the old one no longer signs anything."""
    hook = load_own_hook(hook_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    with refusal() as refused:
        rotated = webhooks.rotate_secret(db.session, hook, actor=current_user)
    if refused:
        return _hook_page(hook)
    db.session.commit()
    return _hook_page(hook, secret=rotated.secret)


@bp.post("/<int:hook_id>/delete")
@signed_in
def delete(hook_id: int):
    """Delete one's hook and its delivery log."""
    hook = load_own_hook(hook_id)
    return post_button(lambda: webhooks.delete_webhook(db.session, hook, actor=current_user),
                       done=_("The webhook is deleted."), then=url_for("webhooks.index"))
