"""Reports, hiding and restoring comments, suspending abusive accounts; all audited.

Flushes, never commits.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from civic.accounts import services as accounts
from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.cases.models import Case
from civic.core import audit
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import Permission, allowed, guarded
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.feedback import emails, permissions
from civic.feedback.models import Comment, HiddenReason, Report, Subscription
from civic.feedback.queries import get_subscription

REPORT_MAX_LENGTH = 1000
RESTORE_REASON_MAX_LENGTH = 1000


def report_comment(session: Session, comment: Comment, *, reporter: User, reason: str) -> Report:
    """Ask the moderators to look at a comment; one open report per person and comment.

    A hidden comment is not reported again: a moderator has already decided on it.
    """
    if comment.is_hidden:
        raise Conflict(_("A moderator has already hidden this comment, so it cannot be reported again."),
                       field="reason")
    if not permissions.can_report(reporter, comment):
        raise PermissionDenied(_("You cannot report this comment."))
    text = (reason or "").strip()
    if not text:
        raise DomainError(_("Say what is wrong with the comment."), field="reason")
    if len(text) > REPORT_MAX_LENGTH:
        raise DomainError(_("Keep it under %(limit)d characters; yours has %(length)d.",
                            limit=REPORT_MAX_LENGTH, length=len(text)), field="reason")
    existing = session.scalar(select(Report.id).where(
        Report.comment_id == comment.id, Report.reporter_id == reporter.id, Report.resolved_at.is_(None)))
    if existing is not None:
        raise Conflict(_("You have already reported this comment; the moderators will look at it."),
                       field="reason")
    report = Report(comment_id=comment.id, reporter_id=reporter.id, reason=text)
    session.add(report)
    session.flush()
    audit.record(session, "comment.reported", actor_id=reporter.id, target_type="comment",
                 target_id=comment.id)
    return report


def _require_moderator(actor: User) -> None:
    if not permissions.can_moderate(actor):
        raise PermissionDenied(_("Only moderators can do this."))


def _resolve_reports(session: Session, comment: Comment, actor: User, resolution: str) -> None:
    session.execute(
        update(Report).where(Report.comment_id == comment.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id, resolution=resolution)
        .execution_options(synchronize_session=False))


@guarded(Permission.moderate_comments)
def hide_comment(session: Session, comment: Comment, *, actor: User, reason: str) -> None:
    """Hide a comment; the thread shows that a moderator hid it, and why, and the author is mailed."""
    _require_moderator(actor)
    if comment.is_hidden:
        raise Conflict(_("This comment is already hidden."))
    if reason not in HiddenReason.__members__:
        raise DomainError(_("Choose why the comment is hidden."), field="reason")
    comment.hidden_at = utcnow()
    comment.hidden_reason = reason
    comment.hidden_by_id = actor.id
    _resolve_reports(session, comment, actor, "hidden")
    audit.record(session, "comment.hidden", actor_id=actor.id, target_type="comment", target_id=comment.id,
                 reason=reason)
    emails.comment_hidden(session, comment)


@guarded(Permission.moderate_comments)
def restore_comment(session: Session, comment: Comment, *, actor: User, reason: str) -> None:
    """Show a hidden comment again with a public reason; the author is mailed.

    The reason is kept in the audit entry, where hiding keeps its own, and shown with the comment.
    """
    _require_moderator(actor)
    if not comment.is_hidden:
        raise Conflict(_("This comment is not hidden."))
    text = (reason or "").strip()
    if not text:
        raise DomainError(_("Say publicly why the comment is shown again."), field="reason")
    if len(text) > RESTORE_REASON_MAX_LENGTH:
        raise DomainError(_("Keep it under %(limit)d characters; yours has %(length)d.",
                            limit=RESTORE_REASON_MAX_LENGTH, length=len(text)), field="reason")
    hidden_for = comment.hidden_reason
    restored_at = utcnow()
    comment.hidden_at = None
    comment.hidden_reason = ""
    comment.hidden_by_id = None
    audit.record(session, "comment.restored", actor_id=actor.id, target_type="comment", target_id=comment.id,
                 reason=text, hidden_for=hidden_for)
    emails.comment_restored(session, comment, reason=text, restored_at=restored_at)


@guarded(Permission.moderate_comments)
def dismiss_reports(session: Session, comment: Comment, *, actor: User) -> None:
    """Keep the comment as it is and close its reports."""
    _require_moderator(actor)
    _resolve_reports(session, comment, actor, "kept")
    audit.record(session, "comment.kept", actor_id=actor.id, target_type="comment", target_id=comment.id)


@guarded(Permission.moderate_comments)
def suspend_author(session: Session, user: User, *, actor: User, reason: str) -> None:
    """Suspend an abusive account; every session of it ends at once.

    Moderators suspend citizens and suppliers; only admins suspend staff, moderators and admins.
    """
    _require_moderator(actor)
    if user.role not in (Role.citizen, Role.supplier) and not allowed(actor, Permission.administer_users):
        raise PermissionDenied(_("Only administrators can suspend this account."))
    accounts.suspend_user(session, user, actor=actor, reason=reason)


# Following cases and agencies


def follow(session: Session, user: User, *, case: Case | None = None, agency: Agency | None = None
           ) -> Subscription:
    """Follow a case or an agency: its answers to the public arrive by mail."""
    if not permissions.can_follow(user):
        raise PermissionDenied(_("Sign in with a confirmed account to follow."))
    existing = get_subscription(session, user.id, case_id=case.id if case else None,
                                agency_id=agency.id if agency else None)
    if existing is not None:
        return existing
    subscription = Subscription(user_id=user.id, case_id=case.id if case else None,
                                agency_id=agency.id if agency else None,
                                unsubscribe_token=secrets.token_urlsafe(32))
    session.add(subscription)
    session.flush()
    return subscription


def unfollow(session: Session, subscription: Subscription) -> None:
    """Stop following; the unsubscribe link in a mail is enough, no sign-in needed."""
    session.delete(subscription)
