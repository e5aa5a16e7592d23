"""The digest as delivered over SMTP by the mail worker: in the reader's language, each case with its
news and links, the links to stop following and to choose how often, and why the reader gets it."""

from __future__ import annotations

import html

import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext

from civic.core.roles import Role
from civic.core.time import format_date, format_datetime
from civic.extensions import db
from civic.feedback.models import Subscription
from civic.notifications.worker import deliver_pending
from tests.conftest import make_account
from tests.digests.conftest import answer, comment, follow, send, taipei
from tests.support import Mailbox


def html_of(message) -> str:
    return html.unescape(message.get_body(preferencelist=("html",)).get_content())


def translated(app, locale: str, message: str, **values) -> str:
    with app.test_request_context(), force_locale(locale):
        return babel_gettext(message, **values)


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_the_daily_digest_reaches_the_reader_in_their_language_with_its_links(
        app, citizen, staff, published_case, second_case, mailbox, locale):
    reader = make_account(app, f"digest-{locale.lower()}@example.tw", Role.citizen, locale=locale)
    case_subscription = follow(app, reader, taipei(3, 8), slug=published_case)
    agency_subscription = follow(app, reader, taipei(3, 8), agency_code="A00000001")
    comment_id, number = comment(app, citizen, published_case, taipei(4, 9))
    depot_id, _ = comment(app, citizen, second_case, taipei(4, 10))
    answer(app, staff, number, taipei(4, 15))
    send(app, taipei(5, 7))
    mailbox.clear()

    with app.app_context():
        deliver_pending(db.session)
        tokens = {key: db.session.get(Subscription, key).unsubscribe_token
                  for key in (case_subscription, agency_subscription)}

    [mail] = mailbox.to(reader.email)
    # The digest of 07:00 covers up to ten minutes before (what was still being written waits a day).
    until = taipei(5, 6, 50)
    assert mail["Subject"] == translated(app, locale, "Daily digest of what you follow, %(date)s",
                                         date=format_date(until, locale))
    text, page = Mailbox.text(mail), html_of(mail)
    for body in (text, page):
        assert ("Taipei MRT Wanda Line" in body) == (locale == "en")
        assert ("臺北捷運萬大線" in body) == (locale == "zh_Hant_TW")
        assert format_datetime(taipei(3, 8), locale) in body and format_datetime(until, locale) in body
        assert f"http://civic.test/cases/{published_case}#comment-{comment_id}" in body
        assert f"http://civic.test/cases/{second_case}#comment-{depot_id}" in body
        assert f"http://civic.test/feedback/{number}" in body
        assert f"http://civic.test/unsubscribe/{tokens[case_subscription]}" in body
        assert f"http://civic.test/unsubscribe/{tokens[agency_subscription]}" in body
        assert "http://civic.test/account/activity/following" in body
        assert translated(app, locale, "Answers published") in body
        assert translated(app, locale, "New comments") in body
        assert translated(app, locale, "This message was sent by %(site)s because you follow this case there.",
                          site="http://civic.test") in body
    # The case that came with the agency says so; no one's name or address is in the mail.
    assert translated(app, locale, "On this list because you follow %(agency)s.", agency="測試機關 A00000001") in text
    assert citizen.email not in text and "citizen" not in text.replace(reader.email, "")


def test_a_weekly_digest_is_called_weekly(app, reader, citizen, published_case, mailbox):
    follow(app, reader, taipei(3, 8), slug=published_case, frequency="weekly")
    comment(app, citizen, published_case, taipei(5, 9))
    send(app, taipei(10, 7))
    mailbox.clear()
    with app.app_context():
        deliver_pending(db.session)
    [mail] = mailbox.to(reader.email)
    assert mail["Subject"] == translated(app, "zh_Hant_TW", "Weekly digest of what you follow, to %(date)s",
                                         date=format_date(taipei(10, 7), "zh_Hant_TW"))
    assert "民國114年3月10日" in mail["Subject"]
