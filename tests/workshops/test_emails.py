"""Workshop mail as delivered over SMTP: the sign-up's language, the agency's name in it, the
times as the workshop page writes them, and a footer that names the sign-up as the reason.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest
import time_machine

from civic.accounts.models import User
from civic.agencies.queries import get_agency_by_code
from civic.core.roles import Role
from civic.core.time import TAIPEI, format_datetime
from civic.extensions import db
from civic.notifications.worker import deliver_pending
from civic.workshops import queries, services
from tests.conftest import make_account
from tests.support import Mailbox
from tests.workshops.conftest import hold, person, sign_up


def deliver(app) -> None:
    with app.app_context():
        deliver_pending(db.session)


@pytest.fixture
def early_workshop(app, staff) -> int:
    """A workshop of staff's agency starting at 07:00 Taipei time, which is the day before in UTC."""
    with app.app_context():
        agency = get_agency_by_code(db.session, staff.agency_code)
        agency.name_en = "Department of Rapid Transit Systems"
        db.session.commit()
    with time_machine.travel(datetime(2025, 3, 1, 10, 0, tzinfo=TAIPEI), tick=False):
        return hold(app, staff, starts_at=datetime(2025, 3, 10, 7, 0, tzinfo=TAIPEI),
                    now=datetime(2025, 3, 1, 10, 0, tzinfo=TAIPEI))


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_a_person_without_an_account_is_mailed_in_the_language_they_signed_up_in(
        app, client, early_workshop, mailbox, locale):
    with time_machine.travel(datetime(2025, 3, 2, 10, 0, tzinfo=TAIPEI), tick=False):
        signed = sign_up(app, early_workshop, 1, locale=locale, now=datetime(2025, 3, 2, 10, 0, tzinfo=TAIPEI))
    deliver(app)

    [mail] = mailbox.to(signed.email)
    text = Mailbox.text(mail)
    with app.app_context():
        starts_at = queries.get_workshop(db.session, early_workshop).starts_at
    shown = format_datetime(starts_at, locale)
    assert shown in text
    page = html.unescape(client.get(f"/workshops/{early_workshop}?lang={locale}").get_data(as_text=True))
    assert shown in page
    if locale == "en":
        assert "Department of Rapid Transit Systems" in text
        assert "because this address was used to sign up for the workshop" in text
    else:
        assert "民國114年3月10日 07:00" in text
        assert "因為有人以這個電子郵件地址報名了這場工作坊" in text


def test_a_signed_in_person_is_mailed_in_their_accounts_language(app, early_workshop, mailbox):
    reader = make_account(app, "reader@example.tw", Role.citizen, locale="en")
    moment = datetime(2025, 3, 2, 10, 0, tzinfo=TAIPEI)
    with time_machine.travel(moment, tick=False), app.test_request_context():
        workshop = queries.get_workshop(db.session, early_workshop)
        data = person(7)
        data.email = reader.email
        services.sign_up(db.session, workshop, data, user=db.session.get(User, reader.id), locale="zh_Hant_TW",
                         now=moment + timedelta(minutes=1))
        db.session.commit()
    deliver(app)
    [mail] = mailbox.to(reader.email)
    assert "Your seat is confirmed" in mail["Subject"]
    assert "10 Mar 2025 07:00" in Mailbox.text(mail)
