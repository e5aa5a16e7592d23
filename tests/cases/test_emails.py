"""Application mail as delivered over SMTP: the authority hears of each application, the agency's
staff of each decision, in their own language, in the same transaction as the change.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from civic.accounts.models import User
from civic.cases import queries, services
from civic.core.errors import DomainError
from civic.core.roles import Role
from civic.core.time import TAIPEI
from civic.extensions import db
from civic.notifications.worker import deliver_pending
from tests.cases import factories
from tests.conftest import make_account
from tests.support import Mailbox


def deliver(app) -> None:
    with app.app_context():
        deliver_pending(db.session)


def decide(app, admin_account, slug: str, decision: str, comment: str) -> None:
    actions = {"approve": services.approve_application, "return": services.return_application,
               "reject": services.reject_application}
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        actions[decision](db.session, case, actor=db.session.get(User, admin_account.id), comment=comment)
        db.session.commit()


def test_every_active_admin_is_mailed_when_an_agency_applies(app, staff, admin, mailbox):
    english_admin = make_account(app, "reviewer@example.tw", Role.admin, locale="en")
    away = make_account(app, "away@example.tw", Role.admin)
    with app.app_context():
        db.session.get(User, away.id).suspended_at = datetime(2025, 1, 1, tzinfo=TAIPEI)
        db.session.commit()
    # 01:30 on 4 March in Taipei is still 3 March in UTC.
    with time_machine.travel(datetime(2025, 3, 4, 1, 30, tzinfo=TAIPEI), tick=False):
        factories.apply(app, staff, slug="new-reservoir", title_zh="新水庫", title_en="New Reservoir",
                        reason="巨額工程，風險高")
    deliver(app)

    [chinese] = mailbox.to(admin.email)
    assert chinese["Subject"] == "新的廉政平臺申請：新水庫"
    text = Mailbox.text(chinese)
    assert "民國114年3月4日" in text and "巨額工程，風險高" in text
    assert "/admin/cases/new-reservoir/review" in text
    assert "因為您是廉政主管機關的管理者" in text

    [english] = mailbox.to(english_admin.email)
    assert english["Subject"] == "New application for an integrity platform: New Reservoir"
    assert "4 Mar 2025" in Mailbox.text(english)
    assert "because you are an administrator of the integrity authority" in Mailbox.text(english)
    assert mailbox.to(away.email) == []
    assert mailbox.to(staff.email) == []


@pytest.mark.parametrize(("decision", "subject", "sentence"), [
    ("approve", "廉政平臺申請已核定：新水庫", "已核定"),
    ("return", "廉政平臺申請已退回修正：新水庫", "請依審查意見修正後重新送出"),
    ("reject", "廉政平臺申請已駁回：新水庫", "已駁回"),
])
def test_the_agencys_staff_are_mailed_the_decision_with_the_comments(
        app, staff, other_agency_staff, admin, application, mailbox, decision, subject, sentence):
    colleague = make_account(app, "colleague@agency-a.gov.tw", Role.staff, agency_code="A00000001", locale="en")
    deliver(app)
    mailbox.clear()
    decide(app, admin, application, decision, "請補充風險評估。")
    deliver(app)

    [mail] = mailbox.to(staff.email)
    assert mail["Subject"] == subject
    text = Mailbox.text(mail)
    assert sentence in text and "審查意見：請補充風險評估。" in text
    assert "因為您是申請這個廉政平臺的機關的同仁" in text
    assert "/manage/cases/new-reservoir" in text
    [english] = mailbox.to(colleague.email)
    assert "The authority's comments: 請補充風險評估。" in Mailbox.text(english)
    assert mailbox.to(other_agency_staff.email) == []
    assert mailbox.to(admin.email) == []


def test_a_resubmitted_application_is_mailed_to_the_authority_again(app, staff, admin, application, mailbox):
    decide(app, admin, application, "return", "請補充風險評估。")
    deliver(app)
    mailbox.clear()
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, application)
        services.resubmit_application(db.session, case, actor=db.session.get(User, staff.id))
        db.session.commit()
    deliver(app)
    [mail] = mailbox.to(admin.email)
    assert mail["Subject"] == "廉政平臺申請已修正並重新送出：新水庫"


def test_a_refused_decision_mails_nobody(app, staff, admin, application, mailbox):
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, application)
        with pytest.raises(DomainError):
            services.return_application(db.session, case, actor=db.session.get(User, admin.id), comment=" ")
        db.session.rollback()
    deliver(app)
    assert mailbox.to(staff.email) == []
