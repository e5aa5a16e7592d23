"""Showcase mail: the maker of an app hears what the moderators decided, with the reason when it was
refused or taken down."""

from __future__ import annotations

from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue
from civic.showcase.models import ShowcaseApp


def _to_maker(session: Session, app: ShowcaseApp, event: str, **context: object) -> None:
    maker = session.get(User, app.submitter_id) if app.submitter_id else None
    if maker is None or not maker.is_active or not maker.email:
        return
    enqueue(session, f"showcase.{event}", to=maker.email, locale=maker.locale,
            context={"app_id": app.id, "name": app.name, **context}, because=MailReason.app_submitter)


def app_published(session: Session, app: ShowcaseApp) -> None:
    _to_maker(session, app, "app_published")


def app_rejected(session: Session, app: ShowcaseApp, *, reason: str) -> None:
    _to_maker(session, app, "app_rejected", reason=reason)


def app_unpublished(session: Session, app: ShowcaseApp, *, reason: str) -> None:
    _to_maker(session, app, "app_unpublished", reason=reason)
