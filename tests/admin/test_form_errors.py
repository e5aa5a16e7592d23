"""The invitation form over HTTP, in both languages: it speaks of the person invited, and a bad
address and a missing agency show in one submission."""

from __future__ import annotations

import html

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from civic.accounts.models import Invitation
from civic.extensions import db
from tests.support import login, post_form


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_an_invitation_without_an_address_or_an_agency_says_both_about_the_person(app, admin, locale):
    client = app.test_client()
    login(client, admin)
    if locale == "en":
        client.get("/?lang=en")
    response = post_form(client, "/admin/users/invite", {"email": "", "role": "staff", "agency": ""})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    with app.test_request_context(), force_locale(locale):
        assert gettext("Enter the person's email address.") in page
        assert gettext("Staff accounts need an agency.") in page
        assert gettext("Enter your email address.") not in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_the_person_s_address_is_asked_for_in_chinese(app, admin):
    client = app.test_client()
    login(client, admin)
    page = post_form(client, "/admin/users/invite", {"email": "", "role": "moderator"}).get_data(as_text=True)
    assert "請輸入對方的電子郵件地址。" in page
