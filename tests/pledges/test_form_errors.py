"""Asking to represent a company, over HTTP in both languages: a wrong 統一編號 and a missing name
show in one submission."""

from __future__ import annotations

import html

import pytest
from flask_babel import force_locale, gettext

from tests.support import login, post_form


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_a_wrong_number_and_no_name_show_together(app, citizen, locale):
    client = app.test_client()
    login(client, citizen)
    if locale == "en":
        client.get("/?lang=en")
    response = post_form(client, "/account/companies", {"ubn": "12345678", "name": ""})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    with app.test_request_context(), force_locale(locale):
        assert gettext("%(ubn)s is not a valid unified business number (統一編號).", ubn="12345678") in page
        assert gettext("Enter the company's registered name.") in page
