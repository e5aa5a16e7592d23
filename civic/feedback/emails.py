"""Feedback mail: who hears about what. Recipients and a small context; rendering is elsewhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.accounts.queries import list_mail_recipients
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core.permissions import Permission, roles_with
from civic.feedback.models import Comment, Feedback, Subscription, SubscriptionFrequency
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue


def _context(feedback: Feedback, **extra) -> dict:
    return {"tracking_number": feedback.tracking_number, "case_title": feedback.case.title_zh,
            "case_title_en": feedback.case.title_en, "case_slug": feedback.case.slug, **extra}


def _agency_recipients(session: Session, agency: Agency, *, staff_reason: MailReason = MailReason.agency_staff,
                       contact_reason: MailReason = MailReason.agency_contact
                       ) -> list[tuple[str, str, MailReason]]:
    """The agency's active staff and its contact address, each once, with their language and why."""
    staff = list_mail_recipients(session, User.agency_id == agency.id,
                                 User.role.in_(roles_with(Permission.answer_feedback)))
    recipients = {email: (locale, staff_reason) for email, locale in staff}
    if agency.contact_email:
        # The contact address belongs to no account, so it reads the default language.
        recipients.setdefault(agency.contact_email, ("zh_Hant_TW", contact_reason))
    return [(email, locale, reason) for email, (locale, reason) in sorted(recipients.items())]


def _author(feedback: Feedback) -> User | None:
    author = feedback.comment.author
    return author if author is not None and author.is_active else None


def _tell_author(session: Session, author: User | None, event: str, feedback: Feedback, **extra) -> None:
    """Mail ``event`` about ``feedback`` to its ``author``, if there is one to tell, naming the
    agency in their language."""
    if author:
        enqueue(session, event, to=author.email, locale=author.locale,
                context=_context(feedback, agency=feedback.agency.name(author.locale), **extra),
                because=MailReason.feedback_author)


def receipt(session: Session, feedback: Feedback) -> None:
    """Tell the author their input was received, with its tracking number and due date."""
    _tell_author(session, _author(feedback), "feedback.received", feedback, due_at=feedback.due_at.isoformat())


def new_item(session: Session, feedback: Feedback, *, event: str = "feedback.routed",
             previous: Agency | None = None, reason: str = "") -> None:
    """Tell the responsible agency that an item waits for its answer (and, when it was forwarded,
    which agency sent it and why).
    """
    for email, locale, because in _agency_recipients(session, feedback.agency):
        context = _context(feedback, agency=feedback.agency.name(locale), due_at=feedback.due_at.isoformat())
        if previous is not None:
            context.update(previous_agency=previous.name(locale), reason=reason)
        enqueue(session, event, to=email, locale=locale, context=context, because=because)


def forwarded(session: Session, feedback: Feedback, *, previous: Agency, reason: str) -> None:
    """Tell the new agency's staff where the item comes from and why, and its author where it went."""
    new_item(session, feedback, event="feedback.forwarded", previous=previous, reason=reason)
    author = _author(feedback)
    if author:
        _tell_author(session, author, "feedback.status_changed", feedback, status=feedback.status,
                     previous_agency=previous.name(author.locale), reason=reason, due_at=feedback.due_at.isoformat())


def reopened(session: Session, feedback: Feedback) -> None:
    """Tell the agency, as for a new item, that the author followed up on its answer and that
    the item waits for a further answer by its new deadline.
    """
    new_item(session, feedback, event="feedback.reopened")


def status_changed(session: Session, feedback: Feedback) -> None:
    """Tell the author the item's new status."""
    _tell_author(session, _author(feedback), "feedback.status_changed", feedback, status=feedback.status)


def answered(session: Session, feedback: Feedback) -> None:
    """The author hears of the answer; so does everyone following the case or the agency who chose
    to hear at once (the others read it in their digest, civic.digests)."""
    author = _author(feedback)
    _tell_author(session, author, "feedback.answered", feedback)
    followers = session.execute(
        select(User.email, User.locale, Subscription.unsubscribe_token, Subscription.case_id)
        .join(Subscription, Subscription.user_id == User.id)
        .where((Subscription.case_id == feedback.case_id) | (Subscription.agency_id == feedback.agency_id),
               Subscription.frequency == SubscriptionFrequency.immediate, User.is_active)
    ).all()
    told = {author.email} if author else set()
    # Someone who follows both the case and the agency hears once, as a follower of the case.
    for email, locale, token, case_id in sorted(followers, key=lambda row: row.case_id is None):
        if email in told:
            continue
        told.add(email)
        enqueue(session, "feedback.followed_answer", to=email, locale=locale,
                context=_context(feedback, agency=feedback.agency.name(locale), unsubscribe_token=token),
                because=MailReason.following_case if case_id is not None else MailReason.following_agency)


def _commenter(feedback: Feedback) -> User | None:
    """The item's comment author, unless they deleted the comment or their account is out of use."""
    if feedback.comment.is_deleted:
        return None
    return _author(feedback)


def reminder(session: Session, feedback: Feedback) -> None:
    """Remind the agency that an item is past its deadline, and tell its author that it is."""
    new_item(session, feedback, event="feedback.overdue")
    _tell_author(session, _commenter(feedback), "feedback.author_overdue", feedback,
                 due_at=feedback.due_at.isoformat())




def escalation(session: Session, feedback: Feedback) -> dict | None:
    """Tell someone above the agency that an item is still unanswered, and its author whom: the
    supervising agency's staff and contact address, or, where there is no supervising agency or
    nobody there to tell, the integrity authority (every administrator). Return who was told, as
    the public history records it, or None when nobody could be.
    """
    supervisor = feedback.agency.parent
    recipients = []
    if supervisor is not None:
        recipients = _agency_recipients(session, supervisor, staff_reason=MailReason.supervisor_staff,
                                        contact_reason=MailReason.supervisor_contact)
    due_at = feedback.due_at.isoformat()
    if recipients:
        for email, locale, reason in recipients:
            enqueue(session, "feedback.escalated", to=email, locale=locale,
                    context=_context(feedback, agency=feedback.agency.name(locale),
                                     supervisor=supervisor.name(locale), due_at=due_at),
                    because=reason)
        told = {"to": "supervisor", "agency": supervisor.code}
    else:
        # The integrity authority: every administrator account still in use.
        authority = list_mail_recipients(session, User.role.in_(roles_with(Permission.use_admin_area)))
        if not authority:
            return None
        for email, locale in authority:
            enqueue(session, "feedback.escalated_to_authority", to=email, locale=locale,
                    context=_context(feedback, agency=feedback.agency.name(locale), due_at=due_at),
                    because=MailReason.authority_escalation)
        told = {"to": "authority"}
    author = _commenter(feedback)
    if author:
        context = _context(feedback, agency=feedback.agency.name(author.locale), due_at=due_at)
        if told["to"] == "supervisor":
            context["supervisor"] = supervisor.name(author.locale)
        enqueue(session, "feedback.author_escalated", to=author.email, locale=author.locale, context=context,
                because=MailReason.feedback_author)
    return told


def _comment_author(session: Session, comment: Comment) -> User | None:
    """The author of a comment they have not deleted, if their account is still in use."""
    if comment.author_id is None or comment.is_deleted:
        return None
    author = session.get(User, comment.author_id)
    return author if author is not None and author.is_active else None


def _comment_context(session: Session, comment: Comment, **extra) -> dict:
    case = session.get(Case, comment.case_id)
    return {"comment_id": comment.id, "case_title": case.title_zh, "case_title_en": case.title_en,
            "case_slug": case.slug, **extra}


def comment_hidden(session: Session, comment: Comment) -> None:
    """Tell the author that a moderator hid their comment, and the public reason."""
    author = _comment_author(session, comment)
    if author:
        enqueue(session, "feedback.comment_hidden", to=author.email, locale=author.locale,
                context=_comment_context(session, comment, reason=comment.hidden_reason,
                                         hidden_at=comment.hidden_at.isoformat()),
                because=MailReason.comment_author)


def comment_restored(session: Session, comment: Comment, *, reason: str, restored_at: datetime) -> None:
    """Tell the author that a moderator showed their comment again, and why."""
    author = _comment_author(session, comment)
    if author:
        enqueue(session, "feedback.comment_restored", to=author.email, locale=author.locale,
                context=_comment_context(session, comment, reason=reason, restored_at=restored_at.isoformat()),
                because=MailReason.comment_author)
