"""Who may do what with comments and feedback items."""

from __future__ import annotations

from datetime import datetime, timedelta

from civic.cases.models import Case
from civic.core.permissions import Permission, allowed
from civic.feedback.models import Comment, Feedback

# Authors may correct a comment for this long after posting it.
EDIT_WINDOW = timedelta(minutes=15)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.is_verified


def can_comment(user, case: Case) -> bool:
    """Signed-in, verified, active people comment on published cases."""
    return _signed_in(user) and case.is_published


def can_edit_comment(user, comment: Comment, now: datetime) -> bool:
    """Authors edit their own visible comment within EDIT_WINDOW of posting it."""
    return (_signed_in(user) and comment.author_id == user.id and not comment.is_deleted
            and not comment.is_hidden and now - comment.created_at <= EDIT_WINDOW)


def can_delete_comment(user, comment: Comment) -> bool:
    """Authors delete their own comments, at any time."""
    return _signed_in(user) and comment.author_id == user.id and not comment.is_deleted


def can_report(user, comment: Comment) -> bool:
    """Anyone signed in reports someone else's comment while it is shown; a hidden one is decided."""
    return (_signed_in(user) and comment.author_id != user.id and not comment.is_deleted
            and not comment.is_hidden)


def can_handle(user, feedback: Feedback) -> bool:
    """Only the responsible agency's staff assign, note, answer and forward an item."""
    return _signed_in(user) and allowed(user, Permission.answer_feedback) and user.agency_id == feedback.agency_id


def can_follow_up(user, feedback: Feedback) -> bool:
    """Only the item's author, signed in, says once that the answer does not answer the question;
    when and how often is the service's rule (``follow_ups.follow_up``).
    """
    comment = feedback.comment
    return _signed_in(user) and comment.author_id == user.id and not comment.is_deleted


def can_moderate(user) -> bool:
    """Moderators and administrators hide and restore comments and suspend abusive accounts."""
    return _signed_in(user) and allowed(user, Permission.moderate_comments)


def can_follow(user) -> bool:
    return _signed_in(user)
