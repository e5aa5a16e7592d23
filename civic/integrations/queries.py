"""Reads of one person's tokens and webhooks for their pages."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core.pagination import Page, paginate
from civic.integrations.models import ApiToken, Webhook, WebhookDelivery

DELIVERIES_PER_PAGE = 20


def list_user_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """The person's tokens, newest first, revoked and expired ones included."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def get_user_token(session: Session, user_id: int, token_id: int) -> ApiToken | None:
    """One of the person's own tokens; None for another's or a missing one."""
    return session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id))


def list_user_webhooks(session: Session, user_id: int) -> list[Webhook]:
    """The person's hooks, newest first, turned-off ones included."""
    return list(session.scalars(select(Webhook).where(Webhook.user_id == user_id)
                                .order_by(Webhook.created_at.desc(), Webhook.id.desc())))


def get_user_webhook(session: Session, user_id: int, hook_id: int) -> Webhook | None:
    """One of the person's own hooks; None for another's or a missing one."""
    return session.scalar(select(Webhook).where(Webhook.id == hook_id, Webhook.user_id == user_id))


def count_user_webhooks(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count(Webhook.id)).where(Webhook.user_id == user_id)) or 0


def filters_of(session: Session, hooks: list[Webhook]) -> tuple[dict[int, Case], dict[int, Agency]]:
    """The cases and agencies the hooks filter on, by id: two queries at most, whatever their number."""
    case_ids = {hook.case_id for hook in hooks if hook.case_id is not None}
    agency_ids = {hook.agency_id for hook in hooks if hook.agency_id is not None}
    cases = {case.id: case for case in session.scalars(select(Case).where(Case.id.in_(case_ids)))} \
        if case_ids else {}
    agencies = {agency.id: agency for agency in session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))} \
        if agency_ids else {}
    return cases, agencies


def list_deliveries(session: Session, hook_id: int, *, page: int, per_page: int = DELIVERIES_PER_PAGE
                    ) -> Page[WebhookDelivery]:
    """A hook's delivery log, newest first."""
    return paginate(session, select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id)
                    .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()),
                    page=page, per_page=per_page)
