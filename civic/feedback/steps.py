"""The steps every change to a feedback item shares: checking who may handle it, cleaning what
people wrote, recording the step in the item's history, and the acknowledgement (受理) that
staff's first action gives. Flushes, never commits.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.core import audit
from civic.core.errors import DomainError, PermissionDenied
from civic.core.time import utcnow
from civic.feedback import permissions
from civic.feedback.models import OPEN_STATUSES, Feedback, FeedbackEvent

COMMENT_MAX_LENGTH = 5000
RESPONSE_MAX_LENGTH = 10000


def clean_body(body: str, *, limit: int, field: str = "body") -> str:
    text = (body or "").strip()
    if not text:
        raise DomainError(_("Write something first."), field=field)
    if len(text) > limit:
        raise DomainError(_("Keep it under %(limit)d characters; yours has %(length)d.",
                            limit=limit, length=len(text)), field=field)
    return text


def record_event(session: Session, feedback: Feedback, kind: str, *, actor: User | None, public: bool = True,
           **data) -> None:
    """Add a step to the item's history without loading the history."""
    if feedback.id is None:
        session.flush()
    session.add(FeedbackEvent(feedback_id=feedback.id, kind=kind, actor_id=actor.id if actor else None,
                              is_public=public, data=data))


def require_handler(actor: User, feedback: Feedback) -> None:
    if not permissions.can_handle(actor, feedback):
        raise PermissionDenied(_("Only the responsible agency's staff can handle this item."))


def acknowledge_first(session: Session, feedback: Feedback, *, actor: User) -> None:
    """Staff's first action on an open item acknowledges (受理) it, as the 受理 button does."""
    if feedback.acknowledged_at is not None or feedback.status not in OPEN_STATUSES:
        return
    feedback.acknowledged_at = utcnow()
    on_time = feedback.acknowledged_on_time
    record_event(session, feedback, "acknowledged", actor=actor, on_time=on_time)
    audit.record(session, "feedback.acknowledged", actor_id=actor.id, target_type="feedback",
                 target_id=feedback.tracking_number, on_time=on_time)
