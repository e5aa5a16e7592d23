"""Mail about one's webhooks: picks the owner and a small context, and writes to the outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from civic.accounts.models import User
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
                     "last_error": last_error},
            because=MailReason.webhook_owner)
