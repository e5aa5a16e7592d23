"""Feedback mail: who hears about what. Recipients and a small context; rendering is elsewhere."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.core.roles import Role
from civic.feedback.models import Feedback, Subscription
from civic.notifications.services import enqueue


def _context(feedback: Feedback, **extra) -> dict:
    return {"tracking_number": feedback.tracking_number, "case_title": feedback.case.title_zh,
            "case_title_en": feedback.case.title_en, "case_slug": feedback.case.slug, **extra}


def _agency_recipients(session: Session, agency: Agency) -> list[tuple[str, str]]:
    """The agency's contact address and its active staff, each once, with their language."""
    staff = session.execute(
        select(User.email, User.locale).where(
            User.agency_id == agency.id, User.role == Role.staff, User.suspended_at.is_(None),
            User.deleted_at.is_(None))
    ).all()
    recipients = {email: locale for email, locale in staff}
    if agency.contact_email:
        recipients.setdefault(agency.contact_email, "zh_Hant_TW")
    return sorted(recipients.items())


def _author(feedback: Feedback) -> User | None:
    author = feedback.comment.author
    return author if author is not None and author.is_active else None


def receipt(session: Session, feedback: Feedback) -> None:
    """Tell the author their input was received, with its tracking number and due date."""
    author = _author(feedback)
    if author:
        enqueue(session, "feedback.received", to=author.email, locale=author.locale,
                context=_context(feedback, due_at=feedback.due_at.isoformat()))


def new_item(session: Session, feedback: Feedback, *, event: str = "feedback.routed") -> None:
    """Tell the responsible agency that an item waits for its answer."""
    for email, locale in _agency_recipients(session, feedback.agency):
        enqueue(session, event, to=email, locale=locale,
                context=_context(feedback, agency=feedback.agency.name_zh, due_at=feedback.due_at.isoformat()))


def status_changed(session: Session, feedback: Feedback) -> None:
    author = _author(feedback)
    if author:
        enqueue(session, "feedback.status_changed", to=author.email, locale=author.locale,
                context=_context(feedback, status=feedback.status, agency=feedback.agency.name_zh))


def answered(session: Session, feedback: Feedback) -> None:
    """The author hears of the answer; so does everyone following the case or the agency."""
    author = _author(feedback)
    if author:
        enqueue(session, "feedback.answered", to=author.email, locale=author.locale,
                context=_context(feedback, agency=feedback.agency.name_zh))
    followers = session.execute(
        select(User.email, User.locale, Subscription.unsubscribe_token)
        .join(Subscription, Subscription.user_id == User.id)
        .where((Subscription.case_id == feedback.case_id) | (Subscription.agency_id == feedback.agency_id),
               User.suspended_at.is_(None), User.deleted_at.is_(None))
    ).all()
    told = {author.email} if author else set()
    for email, locale, token in followers:
        if email in told:
            continue
        told.add(email)
        enqueue(session, "feedback.followed_answer", to=email, locale=locale,
                context=_context(feedback, agency=feedback.agency.name_zh, unsubscribe_token=token))


def reminder(session: Session, feedback: Feedback) -> None:
    new_item(session, feedback, event="feedback.overdue")


def escalation(session: Session, feedback: Feedback) -> None:
    """Tell the agency's supervising agency that an item is still unanswered."""
    supervisor = feedback.agency.parent
    if supervisor is None:
        return
    for email, locale in _agency_recipients(session, supervisor):
        enqueue(session, "feedback.escalated", to=email, locale=locale,
                context=_context(feedback, agency=feedback.agency.name_zh, supervisor=supervisor.name_zh,
                                 due_at=feedback.due_at.isoformat()))
