"""Apps built on the open data, as their makers submitted them, with a screenshot and the API addresses
they read; and the data challenges (開放資料競賽) the integrity authority runs.

An app is public only while its status is published: a moderator approved what its maker last sent.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.accounts.models import User
from civic.core.db import Base, BilingualTitleMixin, TimestampMixin, owned_collection
from civic.core.time import utcnow


class AppStatus(StrEnum):
    # Waiting for a moderator, after it was submitted or changed.
    pending = "pending"
    published = "published"
    rejected = "rejected"
    # Taken down by a moderator after it was published.
    unpublished = "unpublished"
    # Taken down by its maker.
    withdrawn = "withdrawn"


class ChallengePhase(StrEnum):
    current = "current"
    upcoming = "upcoming"
    past = "past"


class Challenge(BilingualTitleMixin, TimestampMixin, Base):
    """A data challenge: what it asks, its rules and prizes, and the Taipei dates it runs."""

    __tablename__ = "showcase_challenges"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text, default="")
    rules_zh: Mapped[str] = mapped_column(Text, default="")
    rules_en: Mapped[str] = mapped_column(Text, default="")
    prizes_zh: Mapped[str] = mapped_column(Text, default="")
    prizes_en: Mapped[str] = mapped_column(Text, default="")
    # The first and the last day entries are taken, both included, as dates in Taipei.
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date] = mapped_column(index=True)
    link: Mapped[str] = mapped_column(String(500), default="")

    def _text(self, name: str, locale: str) -> str:
        english = getattr(self, f"{name}_en")
        return english if locale.startswith("en") and english else getattr(self, f"{name}_zh")

    def summary(self, locale: str) -> str:
        return self._text("summary", locale)

    def rules(self, locale: str) -> str:
        return self._text("rules", locale)

    def prizes(self, locale: str) -> str:
        return self._text("prizes", locale)

    def is_english(self, name: str, locale: str) -> bool:
        """Whether ``name`` (title, summary, rules, prizes) is shown in English on a page in ``locale``."""
        return locale.startswith("en") and bool(getattr(self, f"{name}_en"))

    def phase(self, today: date) -> ChallengePhase:
        """Current from its first day to its last, both included; upcoming before; past after."""
        if today < self.starts_on:
            return ChallengePhase.upcoming
        if today > self.ends_on:
            return ChallengePhase.past
        return ChallengePhase.current


class ShowcaseApp(TimestampMixin, Base):
    """One app as its maker last sent it, and what the moderators decided about that."""

    __tablename__ = "showcase_apps"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'published', 'rejected', 'unpublished', 'withdrawn')",
                        name="status_known"),
        CheckConstraint("status <> 'published' OR published_at IS NOT NULL", name="published_has_date"),
        # The public list (newest published first) and the moderators' queue (oldest waiting first).
        Index("ix_showcase_apps_status_published_at", "status", "published_at"),
        Index("ix_showcase_apps_status_submitted_at", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # The one line shown on the app's card.
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500))
    source_link: Mapped[str] = mapped_column(String(500), default="")
    # An SPDX licence identifier of civic.showcase.labels.LICENCES, "other" or "not-open".
    licence: Mapped[str] = mapped_column(String(40))
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("showcase_challenges.id", ondelete="SET NULL"), index=True)
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=AppStatus.pending)
    # When its maker last sent it (a change sends it again): the queue's order.
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Why a moderator last refused or took it down; its maker reads it on their list and by mail.
    reason: Mapped[str] = mapped_column(Text, default="")
    # One more at every change of its content or status: a moderator's decision names the version they
    # reviewed, and is refused when the app has changed since.
    version: Mapped[int] = mapped_column(default=1)

    endpoints: Mapped[list[AppEndpoint]] = owned_collection("app", order_by="AppEndpoint.path")
    screenshot: Mapped[AppScreenshot | None] = relationship(
        back_populates="app", cascade="all, delete-orphan", lazy="raise", uselist=False)
    challenge: Mapped[Challenge | None] = relationship(lazy="raise")
    submitter: Mapped[User | None] = relationship(foreign_keys=[submitter_id], lazy="raise")

    @property
    def is_published(self) -> bool:
        return self.status == AppStatus.published

    @property
    def endpoint_paths(self) -> list[str]:
        return [endpoint.path for endpoint in self.endpoints]


class AppEndpoint(Base):
    """One API address an app reads, as its OpenAPI path (``/api/v1/cases/{slug}``)."""

    __tablename__ = "showcase_app_endpoints"

    app_id: Mapped[int] = mapped_column(ForeignKey("showcase_apps.id", ondelete="CASCADE"), primary_key=True)
    # Indexed for the public list's filter by address.
    path: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)

    app: Mapped[ShowcaseApp] = relationship(back_populates="endpoints", lazy="raise")


class AppScreenshot(Base):
    """An app's screenshot as stored: drawn again from its pixels (no metadata), at most a bounded
    size, with a small copy for the cards. Kept in the database so every app server can send it."""

    __tablename__ = "showcase_screenshots"

    app_id: Mapped[int] = mapped_column(ForeignKey("showcase_apps.id", ondelete="CASCADE"), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(20))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    width: Mapped[int]
    height: Mapped[int]
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    thumbnail_width: Mapped[int]
    thumbnail_height: Mapped[int]
    # SHA-256 of the content: the ETag, and the version in its address.
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    app: Mapped[ShowcaseApp] = relationship(back_populates="screenshot", lazy="raise")
