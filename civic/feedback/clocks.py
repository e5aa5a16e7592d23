"""The two clocks of a feedback item, on the office calendar in force: when it must be
acknowledged (受理) and when answered. Reads the calendar; changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy.orm import Session

from civic.agencies.models import Agency
from civic.core import clock
from civic.core.time import to_taipei
from civic.feedback.models import Feedback


def answer_due_on(calendar: clock.Calendar, agency: Agency, start: datetime) -> datetime:
    """The answer deadline rule: the end of the agency's response_days-th working day after the
    Taipei day its clock started (calendar days where the agency's rule says so). ``calendar``
    must reach far enough (``clock.calendar_for``).
    """
    return calendar.due_at(start, agency.response_days, working=agency.answers_in_working_days)


def acknowledge_due_on(calendar: clock.Calendar, received_at: datetime) -> datetime:
    """The acknowledgement (受理) deadline rule: the end of the FEEDBACK_ACKNOWLEDGE_WORKING_DAYS-th
    working day after the Taipei day the item came."""
    return calendar.due_at(received_at, current_app.config["FEEDBACK_ACKNOWLEDGE_WORKING_DAYS"])


def calendar_for_clocks(session: Session, agencies: list[Agency], first: date, last: date) -> clock.Calendar:
    """One read of the office calendar, far enough for both clocks of items of ``agencies`` whose
    clocks start between the Taipei days ``first`` and ``last``."""
    days = max(current_app.config["FEEDBACK_ACKNOWLEDGE_WORKING_DAYS"], *(agency.response_days for agency in agencies))
    return clock.calendar_for(session, first, days, until=last)


def answer_due(session: Session, agency: Agency, start: datetime) -> datetime:
    """The agency's answer deadline for a clock started at ``start``, on the office calendar in force."""
    day = to_taipei(start).date()
    return answer_due_on(calendar_for_clocks(session, [agency], day, day), agency, start)


def both_due(session: Session, agency: Agency, received_at: datetime) -> tuple[datetime, datetime]:
    """When an item received at ``received_at`` must be acknowledged and when answered, from one
    read of the office calendar."""
    day = to_taipei(received_at).date()
    calendar = calendar_for_clocks(session, [agency], day, day)
    return acknowledge_due_on(calendar, received_at), answer_due_on(calendar, agency, received_at)


def answer_clock_start(feedback: Feedback) -> datetime:
    """When the item's current answer clock started: when it came (or was forwarded), or when
    its author's follow-up reopened it, whichever is later."""
    if feedback.reopened_at is not None and feedback.reopened_at > feedback.received_at:
        return feedback.reopened_at
    return feedback.received_at
