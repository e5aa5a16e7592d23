"""The words for how a follower hears, as the follow page offers them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from civic.feedback.models import SubscriptionFrequency

FREQUENCIES = {
    SubscriptionFrequency.immediate: _l("An email for each answer"),
    SubscriptionFrequency.daily: _l("A daily digest"),
    SubscriptionFrequency.weekly: _l("A weekly digest"),
}

# What the follow page says once the choice is saved.
CHOSEN = {
    SubscriptionFrequency.immediate: _l("You will get an email each time the agency answers the public here."),
    SubscriptionFrequency.daily: _l("You will get a digest of what happened here each morning at 7:00."),
    SubscriptionFrequency.weekly: _l("You will get a digest of what happened here each Monday at 7:00."),
}
