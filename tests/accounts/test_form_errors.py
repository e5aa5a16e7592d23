"""Account forms over HTTP, in both languages: the password rules show with the other fields'
problems in one submission, and a person's name is asked for as 姓名."""

from __future__ import annotations

import html

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.extensions import db
from tests.support import post_form


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_registering_with_no_name_and_the_address_as_password_shows_both(app, locale):
    client = app.test_client()
    if locale == "en":
        client.get("/?lang=en")
    address = "someone.long@example.tw"
    response = post_form(client, "/register", {"name": "", "email": address, "password": address,
                                               "password_confirm": address})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    with app.test_request_context(), force_locale(locale):
        assert gettext("Enter your name.") in page
        assert gettext("Your password cannot be your email address.") in page
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_the_name_is_asked_for_as_姓名(app, client):
    page = client.get("/register").get_data(as_text=True)
    assert "姓名" in page and "您的名稱" not in page
    refused = post_form(client, "/register", {"name": "", "email": "a@example.tw", "password": "x",
                                              "password_confirm": "x"}).get_data(as_text=True)
    assert "請輸入姓名。" in refused
