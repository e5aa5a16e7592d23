"""The Agency table: code (機關代碼), names in both languages, parent, deadline for answers; and the
codes that no longer name an agency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.core.db import Base, TimestampMixin
from civic.core.time import utcnow

# Days an agency has to answer public input unless it is set otherwise.
DEFAULT_RESPONSE_DAYS = 14
# The longest answer deadline an agency may be given: a year.
MAX_RESPONSE_DAYS = 365


class Agency(TimestampMixin, Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="RESTRICT"), index=True
    )
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    response_days: Mapped[int] = mapped_column(default=DEFAULT_RESPONSE_DAYS)
    # Whether response_days counts government working days (the rule) or calendar days (where a
    # regulation says so).
    answers_in_working_days: Mapped[bool] = mapped_column(default=True, server_default=true())
    is_active: Mapped[bool] = mapped_column(default=True, index=True)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], lazy="raise")

    def name(self, locale: str) -> str:
        """The name in ``locale``, falling back to Chinese when no English name is set."""
        if locale.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class AgencyRemoval(Base):
    """A code that stopped naming an agency: the agency was deleted, or given another code.

    Every agency is public, so the open data API tells mirrors that the code is gone.
    """

    __tablename__ = "agency_removals"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    removed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
