"""Comments, the feedback items they become, the agencies' public answers, moderation and
subscriptions.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import User
from civic.agencies.models import Agency
from civic.cases.models import Case, Meeting, RiskItem
from civic.core.db import Base
from civic.core.time import utcnow


class FeedbackStatus(StrEnum):
    received = "received"
    in_progress = "in_progress"
    answered = "answered"
    closed = "closed"


OPEN_STATUSES = (FeedbackStatus.received, FeedbackStatus.in_progress)


class HiddenReason(StrEnum):
    spam = "spam"
    abuse = "abuse"
    personal_data = "personal_data"
    off_topic = "off_topic"
    illegal = "illegal"


class EntryMixin:
    """The id and the time of writing that most feedback rows carry: first and last in their tables."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(EntryMixin, Base):
    """What a person wrote on a case (or one of its meetings or risks). One level of replies."""

    __tablename__ = "feedback_comments"
    __table_args__ = (Index("ix_feedback_comments_thread", "case_id", "parent_id", "created_at"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("case_meetings.id", ondelete="SET NULL"),
                                                   index=True)
    risk_id: Mapped[int | None] = mapped_column(ForeignKey("case_risks.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_comments.id", ondelete="CASCADE"),
                                                  index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(String(20), default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Any change (an edit, hiding, restoring, deleting) moves it forward, never back: mirrors of the
    # open data see a restored comment come back.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(lazy="raise")
    meeting: Mapped[Meeting | None] = relationship(lazy="raise")
    risk: Mapped[RiskItem | None] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise")
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id], lazy="raise")
    parent: Mapped[Comment | None] = relationship(remote_side="Comment.id", back_populates="replies", lazy="raise")
    replies: Mapped[list[Comment]] = relationship(back_populates="parent", order_by="Comment.created_at",
                                                  lazy="raise")
    feedback: Mapped[Feedback | None] = relationship(back_populates="comment", lazy="raise", uselist=False)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CommentRevision(EntryMixin, Base):
    """An earlier wording of an edited comment."""

    __tablename__ = "feedback_comment_revisions"

    comment_id: Mapped[int] = mapped_column(ForeignKey("feedback_comments.id", ondelete="CASCADE"), index=True)
    body_source: Mapped[str] = mapped_column(Text)


class Feedback(Base):
    """A top-level comment as a tracked item, routed to the agency that must answer it."""

    __tablename__ = "feedback_items"
    __table_args__ = (Index("ix_feedback_items_inbox", "agency_id", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(16), unique=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("feedback_comments.id", ondelete="CASCADE"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default=FeedbackStatus.received, index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    # The new deadline of the one extension an item may have, and its public reason.
    extended_to: Mapped[datetime | None]
    extension_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The first clock: staff acknowledge (受理) the item by ``acknowledge_by``, by hand or with their
    # first action on it. Items received before this clock existed have no ``acknowledge_by``.
    acknowledge_by: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    # When the author said the answer does not answer the question; the item runs a new clock.
    reopened_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # When the deadline passed unanswered, and when the agency and its supervisor were reminded.
    overdue_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    comment: Mapped[Comment] = relationship(back_populates="feedback", lazy="raise")
    case: Mapped[Case] = relationship(lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")
    assigned_to: Mapped[User | None] = relationship(lazy="raise")
    response: Mapped[Response | None] = relationship(back_populates="feedback", uselist=False, lazy="raise")
    follow_up: Mapped[FollowUp | None] = relationship(back_populates="feedback", uselist=False, lazy="raise")
    events: Mapped[list[FeedbackEvent]] = relationship(back_populates="feedback",
                                                       order_by="FeedbackEvent.created_at", lazy="raise")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @hybrid_method
    def is_overdue(self, now: datetime) -> bool:
        """Still open after its answer deadline in force. Also a SQL expression, for the inbox,
        the cron run and the figures."""
        return self.is_open and self.due_at < now

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue_expression(cls, now: datetime) -> ColumnElement[bool]:
        return and_(cls.status.in_(OPEN_STATUSES), cls.due_at < now)

    @hybrid_property
    def answered_on_time(self) -> bool | None:
        """Whether the answer came by the deadline in force (an extension's, a follow-up's new
        one); None while there is no answer. Also a SQL expression, for the figures."""
        return None if self.answered_at is None else self.answered_at <= self.due_at

    @answered_on_time.inplace.expression
    @classmethod
    def _answered_on_time_expression(cls) -> ColumnElement[bool]:
        return and_(cls.answered_at.is_not(None), cls.answered_at <= cls.due_at)

    @property
    def acknowledged_on_time(self) -> bool | None:
        """Whether it was acknowledged by its deadline (an item from before the acknowledgement
        clock has none to miss); None while it is not acknowledged."""
        if self.acknowledged_at is None:
            return None
        return self.acknowledge_by is None or self.acknowledged_at <= self.acknowledge_by


class FeedbackEvent(EntryMixin, Base):
    """One step in a feedback item's history; internal steps are never shown to the public."""

    __tablename__ = "feedback_events"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # received, status_changed, assigned, answered, forwarded, overdue, reminded, escalated, withdrawn
    kind: Mapped[str] = mapped_column(String(20))
    is_public: Mapped[bool] = mapped_column(default=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    feedback: Mapped[Feedback] = relationship(back_populates="events", lazy="raise")
    actor: Mapped[User | None] = relationship(lazy="raise")


class FeedbackNote(EntryMixin, Base):
    """An internal note by the agency's staff. Never public, never in the API."""

    __tablename__ = "feedback_notes"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[User | None] = relationship(lazy="raise")


class Response(Base):
    """The agency's official public answer to one feedback item."""

    __tablename__ = "feedback_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id", ondelete="CASCADE"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The answering unit as shown to the public, e.g. 工程管理科.
    unit: Mapped[str] = mapped_column(String(100), default="")
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    feedback: Mapped[Feedback] = relationship(back_populates="response", lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")


class FollowUp(EntryMixin, Base):
    """The author's one follow-up to an answer that did not answer the question, and the agency's
    further answer to it. The item's first deadline and answer time are kept here when it reopens.
    """

    __tablename__ = "feedback_follow_ups"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id", ondelete="CASCADE"), unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    first_due_at: Mapped[datetime]
    first_answered_at: Mapped[datetime]
    # The further answer, once the agency has given it.
    answer_author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answer_unit: Mapped[str] = mapped_column(String(100), default="")
    answer_source: Mapped[str] = mapped_column(Text, default="")
    answer_html: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]

    feedback: Mapped[Feedback] = relationship(back_populates="follow_up", lazy="raise")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise")
    answer_author: Mapped[User | None] = relationship(foreign_keys=[answer_author_id], lazy="raise")


class Report(EntryMixin, Base):
    """Someone asks the moderators to look at a comment."""

    __tablename__ = "feedback_reports"

    comment_id: Mapped[int] = mapped_column(ForeignKey("feedback_comments.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # hidden, kept
    resolution: Mapped[str] = mapped_column(String(16), default="")

    comment: Mapped[Comment] = relationship(lazy="raise")
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id], lazy="raise")


class SubscriptionFrequency(StrEnum):
    """How a follower hears: a mail for each answer as it is published, or one digest a day or a week."""

    immediate = "immediate"
    daily = "daily"
    weekly = "weekly"


class Subscription(EntryMixin, Base):
    """A user follows a case or an agency and is mailed when it answers the public: at once, or in
    a daily or weekly digest of what happened there (civic.digests)."""

    __tablename__ = "feedback_subscriptions"
    __table_args__ = (
        UniqueConstraint("user_id", "case_id"),
        UniqueConstraint("user_id", "agency_id"),
        # The digest run looks for the subscriptions of one frequency not yet summed up to a time.
        Index("ix_feedback_subscriptions_due", "frequency", "digested_until"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    # Secret in every mail's unsubscribe link; works without signing in.
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    frequency: Mapped[str] = mapped_column(String(10), default=SubscriptionFrequency.immediate,
                                           server_default="immediate")
    # With a digest: what happened before this time has been summed up (or, when the follower chose
    # the digest, was told otherwise). None while every answer is mailed at once.
    digested_until: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")
