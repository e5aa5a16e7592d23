"""When digests go out: the daily one every morning at 07:00 Taipei time, the weekly one on Monday
at 07:00. A digest covers what happened up to shortly before its send time (SETTLE, in
civic.digests.services); what happens after waits for the next.

Taiwan keeps no daylight saving time, so 07:00 in Taipei is always 23:00 UTC the day before.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from civic.core.time import from_taipei_local, to_taipei
from civic.feedback.models import SubscriptionFrequency

SEND_AT = time(7, 0)
PERIODS = {
    SubscriptionFrequency.daily: timedelta(days=1),
    SubscriptionFrequency.weekly: timedelta(days=7),
}
# Digests, in the order a run sends them.
DIGEST_FREQUENCIES = tuple(PERIODS)


def last_send_time(frequency: SubscriptionFrequency, now: datetime) -> datetime:
    """The latest send time of ``frequency`` at or before ``now``, in UTC: today's 07:00 in Taipei
    (yesterday's, before seven), for the weekly digest that of the Monday of that week."""
    local = to_taipei(now)
    day = local.date()
    if local.time() < SEND_AT:
        day -= timedelta(days=1)
    if frequency == SubscriptionFrequency.weekly:
        day -= timedelta(days=day.weekday())
    return from_taipei_local(datetime.combine(day, SEND_AT))


def period(frequency: SubscriptionFrequency) -> timedelta:
    """How long one digest of ``frequency`` covers, and how far ahead it looks for deadlines."""
    return PERIODS[SubscriptionFrequency(frequency)]
