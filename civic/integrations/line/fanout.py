"""Person-facing notices go to LINE as well: a sibling row on the outbox's LINE channel for each new
mail row that is a notice to someone with LINE notices on, written in the same flush as the mail.

Why a session hook: the outbox is the lowest domain layer and may not import this package, and the
services that mail people (feedback, workshops, digests) should not each learn about LINE. So a
``before_flush`` listener, installed once when the app is made, looks at the outbox rows about to be
inserted. A row is a notice when its reason (``context["because"]``) is one of NOTICE_REASONS; account
and security mail (MailReason.account, invitations) and mail to staff and the authority never are. For
the notices of one flush it asks once which recipients have an active account with LINE notices on
(one query per flush, none for a flush without notices), and adds for each of them a row with the same
event, language and context on the LINE channel, addressed to their LINE user id, with their account's
id in its context (``user_id``): the sender pushes it only while that LINE account is still linked to
that account, so a notice never follows a LINE account to someone else. The mail worker claims
only mail; ``line send`` renders the LINE row from the mail's body.txt. Both rows commit or roll back
with the change they report. Nothing is written while LINE is not configured.

The same hook forgets the LINE link and any live code of an account whose owner deletes it (the
accounts package cannot import this one).
"""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import delete, inspect
from sqlalchemy.orm import Session

from civic.accounts.models import User
from civic.core.db import hook_sessions
from civic.integrations.line import client, queries
from civic.integrations.line.models import LineLink, LineLinkCode
from civic.notifications.models import OutboxChannel, OutboxMessage
from civic.notifications.reasons import MailReason
from civic.notifications.services import enqueue

# The context key of a LINE notice that names the account it is meant for.
USER_KEY = "user_id"

NOTICE_REASONS = frozenset({
    MailReason.feedback_author,
    MailReason.comment_author,
    MailReason.following_case,
    MailReason.following_agency,
    MailReason.workshop_registration,
})


def install() -> None:
    """Hook every session (once)."""
    hook_sessions(before_flush=_before_flush)


def is_notice(message: OutboxMessage) -> bool:
    """A new mail row whose reason is one of NOTICE_REASONS."""
    return (message.channel in (None, OutboxChannel.mail)
            and (message.context or {}).get("because") in NOTICE_REASONS)


def _before_flush(session: Session, flush_context, instances) -> None:
    _forget_deleted_accounts(session)
    if not has_app_context() or not client.is_configured(current_app.config):
        return
    notices = sorted((obj for obj in session.new if isinstance(obj, OutboxMessage) and is_notice(obj)),
                     key=lambda message: (message.to_address, message.event))
    if not notices:
        return
    with session.no_autoflush:
        line_users = queries.line_users_notified(session, (message.to_address for message in notices))
    for message in notices:
        found = line_users.get(message.to_address.lower())
        if found:
            user_id, line_user_id = found
            enqueue(session, message.event, to=line_user_id, locale=message.locale,
                    context={**message.context, USER_KEY: user_id}, channel=OutboxChannel.line)


def _forget_deleted_accounts(session: Session) -> None:
    deleted = [user.id for user in session.dirty if isinstance(user, User) and user.deleted_at is not None
               and inspect(user).attrs.deleted_at.history.added]
    if deleted:
        for model in (LineLink, LineLinkCode):
            session.execute(delete(model).where(model.user_id.in_(deleted)).execution_options(
                synchronize_session=False))
