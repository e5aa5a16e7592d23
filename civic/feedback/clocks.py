"""The two clocks of a feedback item, on the office calendar in force: when it must be
acknowledged (受理) and when answered. Reads the calendar; changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from civic.agencies.models import Agency
from civic.core import clock
from civic.core.time import to_taipei
from civic.feedback.models import Feedback


def answer_due(session: Session, agency: Agency, received_at: datetime) -> datetime:
    """The agency's answer deadline for an item received at ``received_at``: the end of the
    response_days-th working day after the Taipei day it came (calendar days where the agency's
    rule says so), on the office calendar in force.
    """
    return clock.due_at(session, received_at, agency.response_days, working=agency.answers_in_working_days)


def both_due(session: Session, agency: Agency, received_at: datetime) -> tuple[datetime, datetime]:
    """When an item received at ``received_at`` must be acknowledged and when answered, from one
    read of the office calendar."""
    acknowledge_days = current_app.config["FEEDBACK_ACKNOWLEDGE_WORKING_DAYS"]
    calendar = clock.calendar_for(session, to_taipei(received_at).date(), max(acknowledge_days, agency.response_days))
    return (calendar.due_at(received_at, acknowledge_days),
            calendar.due_at(received_at, agency.response_days, working=agency.answers_in_working_days))


def answer_clock_start(feedback: Feedback) -> datetime:
    """When the item's current answer clock started: when it came (or was forwarded), or when
    its author's follow-up reopened it, whichever is later."""
    if feedback.reopened_at is not None and feedback.reopened_at > feedback.received_at:
        return feedback.reopened_at
    return feedback.received_at
