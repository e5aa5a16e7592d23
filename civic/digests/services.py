"""Digests: sending the ones that are due, and choosing per followed case or agency how one hears.
Flushes, never commits.

A subscription's ``digested_until`` is the record of what was sent: a run sums up each due
subscription's events from there to SETTLE before the send time and moves it there in the same
transaction as the mail's outbox row. A second run finds nothing due; a run that was missed is
made up by the next one, which covers the whole time since.

Why SETTLE: an event is stamped when its change is written, but a digest run sees it only once that
change commits. One written at 06:59 in a transaction that commits at 07:01 would fall behind a digest
already moved to 07:00, and never be told. Stopping ten minutes short leaves it to the next digest,
which starts where this one stopped; only a transaction open longer than SETTLE could still be missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.core.errors import DomainError, PermissionDenied
from civic.core.time import utcnow
from civic.digests import emails, queries
from civic.digests.schedule import DIGEST_FREQUENCIES, last_send_time, period
from civic.feedback import permissions
from civic.feedback.models import Subscription, SubscriptionFrequency

# How long before its send time a digest stops: events written in these minutes may not have committed yet.
SETTLE = timedelta(minutes=10)


@dataclass
class DigestReport:
    sent: int = 0
    # People whose period had nothing to tell: no mail, and their period counts as done.
    quiet: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.quiet)

    def summary(self) -> str:
        return f"sent {self.sent}, nothing to tell {self.quiet}"


def send_due_digests(session: Session, *, now: datetime | None = None) -> DigestReport:
    """Send every digest due at ``now``: the daily one up to this morning's 07:00 Taipei time, the
    weekly one up to this week's Monday 07:00, each less SETTLE; one mail per person and period, none
    when nothing happened. Safe to run at any time and as often as wanted.
    """
    now = now or utcnow()
    report = DigestReport()
    for frequency in DIGEST_FREQUENCIES:
        send_time = last_send_time(frequency, now)
        until = send_time - SETTLE
        dues = _claim(session, frequency, until)
        for person in queries.gather(session, dues, until=until, now=now,
                                     ahead_until=send_time + period(frequency)):
            if person.has_news:
                emails.digest(session, person, frequency=frequency)
                report.sent += 1
            else:
                report.quiet += 1
    session.flush()
    return report


def _claim(session: Session, frequency: SubscriptionFrequency, until: datetime) -> list[queries.Due]:
    """Take the subscriptions of ``frequency`` not yet summed up to ``until`` and mark them done to
    it, in the caller's transaction. A second run at the same time skips the rows this one holds
    (PostgreSQL) or waits and finds them done; either way it cannot mark them again. People who
    can no longer be mailed have their period done without a mail."""
    not_done = or_(Subscription.digested_until.is_(None), Subscription.digested_until < until)
    rows = session.execute(
        select(Subscription.id, Subscription.user_id, Subscription.case_id, Subscription.agency_id,
               Subscription.digested_until, Subscription.unsubscribe_token, User.email, User.locale,
               User.is_active.label("mailable"))
        .join(User, User.id == Subscription.user_id)
        .where(Subscription.frequency == frequency, not_done)
        .order_by(Subscription.user_id, Subscription.id)
        .with_for_update(of=Subscription, skip_locked=True)
    ).all()
    if not rows:
        return []
    won = set(session.scalars(
        update(Subscription)
        .where(Subscription.id.in_([row.id for row in rows]), Subscription.frequency == frequency, not_done)
        .values(digested_until=until)
        .returning(Subscription.id)
        .execution_options(synchronize_session=False)))
    # A digest subscription always has its time; this only guards against a row written by hand.
    fallback = until - period(frequency)
    return [queries.Due(subscription_id=row.id, user_id=row.user_id, case_id=row.case_id, agency_id=row.agency_id,
                        since=row.digested_until or fallback, unsubscribe_token=row.unsubscribe_token,
                        email=row.email, locale=row.locale)
            for row in rows if row.id in won and row.mailable and row.email]


def choose_frequency(session: Session, subscription: Subscription, frequency: str, *, actor: User) -> None:
    """Hear of one followed case or agency with a mail for each answer, or in the daily or weekly
    digest; only the follower chooses, for their own subscription.

    A digest chosen now starts now: what came before was mailed as it happened. Moving between
    daily and weekly keeps what waits for the next digest; choosing to hear at once drops it.
    """
    if subscription.user_id != actor.id or not permissions.can_follow(actor):
        raise PermissionDenied(_("You can only choose this for what you follow yourself."))
    try:
        chosen = SubscriptionFrequency(frequency)
    except ValueError:
        raise DomainError(_("Choose how often you want to hear."), field="frequency") from None
    if chosen == subscription.frequency:
        return
    if chosen == SubscriptionFrequency.immediate:
        subscription.digested_until = None
    elif subscription.frequency == SubscriptionFrequency.immediate or subscription.digested_until is None:
        subscription.digested_until = utcnow()
    subscription.frequency = chosen
    session.flush()
