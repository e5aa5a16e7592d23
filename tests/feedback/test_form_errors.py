"""Giving an item more time, over HTTP in both languages: a day outside the window and a missing
reason show in one submission, the day written as people read it."""

from __future__ import annotations

import html
from datetime import datetime

import pytest
import time_machine
from flask_babel import force_locale, gettext

import tests.feedback.test_working_days as working_days
from civic.core.time import TAIPEI
from tests.feedback.conftest import post
from tests.support import login, post_form


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_a_day_too_late_and_no_reason_show_together(app, citizen, staff, published_case, locale):
    working_days.set_days(app, staff, 3)
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=TAIPEI), tick=False):
        _id, number = post(app, citizen, published_case)
    client = app.test_client()
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=TAIPEI), tick=False):
        login(client, staff)
        if locale == "en":
            client.get("/?lang=en")
        response = post_form(client, f"/staff/feedback/{number}/extend", {"new_due": "2026-06-30", "reason": ""},
                             form_page=f"/staff/feedback/{number}")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    latest = "民國115年3月19日" if locale != "en" else "19 Mar 2026"
    with app.test_request_context(), force_locale(locale):
        assert gettext("Say publicly why the agency needs more time.") in page
        assert gettext("Choose a day after the current deadline and no later than %(latest)s.", latest=latest) in page
