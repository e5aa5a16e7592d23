"""The footer of every mail says why its recipient gets it, in the recipient's language."""

from __future__ import annotations

import pytest

from civic.extensions import db
from civic.notifications.reasons import FOOTERS, MailReason
from civic.notifications.services import enqueue
from civic.notifications.worker import deliver_pending
from tests.support import Mailbox


def send(app, because, locale="zh_Hant_TW"):
    with app.app_context():
        enqueue(db.session, "accounts.password_changed", to="person@example.tw", locale=locale,
                context={"name": "收件人"}, because=because)
        db.session.commit()
        deliver_pending(db.session)


@pytest.mark.parametrize(("locale", "footer"), [
    ("zh_Hant_TW", "本信由 http://civic.test 寄出，內容與您在該網站的帳號有關。"),
    ("en", "This message was sent by http://civic.test about your account there."),
])
def test_the_footer_gives_the_reason_in_the_recipients_language(app, mailbox, locale, footer):
    send(app, MailReason.account, locale)
    [mail] = mailbox.messages
    assert Mailbox.text(mail).rstrip().endswith(footer)
    assert footer in mail.get_body(preferencelist=("html",)).get_content()


def test_mail_queued_without_a_reason_claims_none(app, mailbox):
    send(app, None, "en")
    [mail] = mailbox.messages
    assert Mailbox.text(mail).rstrip().endswith("This message was sent by http://civic.test.")
    assert "because" not in Mailbox.text(mail)


def test_an_unknown_reason_is_refused_when_the_mail_is_queued(app):
    with app.app_context(), pytest.raises(ValueError):
        enqueue(db.session, "accounts.password_changed", to="person@example.tw", locale="en",
                context={}, because="curiosity")


def test_every_reason_has_its_own_translated_footer(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("zh_Hant_TW"):
        chinese = {str(FOOTERS[reason]) for reason in MailReason}
    assert len(chinese) == len(MailReason)
    assert all(text.startswith("本信由 %(site)s 寄出") for text in chinese)
