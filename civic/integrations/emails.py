"""Mail about one's webhooks: picks the owner and a small context, and writes to the outbox."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.integrations.labels import DELIVERY_ERRORS
from civic.integrations.models import Webhook
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue


def webhook_disabled(session: Session, hook: Webhook, owner: User, *, failures: int, last_error: str) -> None:
    """Tell the owner their hook was turned off because its deliveries kept failing, and how to turn it
    back on. Nothing is sent to an account no longer in use."""
    if not owner.is_active:
        return
    enqueue(session, "integrations.webhook_disabled", to=owner.email, locale=owner.locale,
            context={"name": owner.display_name, "hook_id": hook.id, "url": hook.url, "failures": failures,
                     "last_error": error_words(last_error, owner.locale)},
            because=MailReason.webhook_owner)


def error_words(error: str, locale: str) -> str:
    """A delivery's error (a code, maybe with a detail: "http: 500") in the owner's words."""
    code, _, detail = error.partition(":")
    label = DELIVERY_ERRORS.get(code.strip())
    if label is None:
        return error
    with force_locale(locale):
        words = str(label)
    return f"{words} ({detail.strip()})" if detail.strip() else words
