"""Commitment forms over HTTP, in both languages: one submission shows every problem, the rules
of the services included (a share's ceiling, a milestone not done in the future)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from civic.core.time import to_taipei, utcnow
from tests.commitments.conftest import PLAN
from tests.support import post_form

BASE = f"/admin/commitments/{PLAN}"
TEXTS = {"title_zh": "準時回應比例", "title_en": "", "description_zh": "", "description_en": "", "position": "0"}


def shown(app, response, locale: str, message: str, **values) -> bool:
    with app.test_request_context(), force_locale(locale):
        return gettext(message, **values) in response.get_data(as_text=True)


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_a_milestone_without_a_title_done_tomorrow_shows_both(app, admin_client, locale):
    if locale == "en":
        admin_client.get("/?lang=en")
    tomorrow = (to_taipei(utcnow()) + timedelta(days=2)).date().isoformat()
    response = post_form(admin_client, f"{BASE}/milestones/new",
                         {"title_zh": "", "title_en": "", "due_on": "2026-06-30", "done_on": tomorrow})
    assert response.status_code == 422
    assert shown(app, response, locale, "Enter the milestone in Chinese.")
    assert shown(app, response, locale, "A milestone cannot be done in the future.")


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_a_share_target_too_high_shows_with_a_bad_year(app, admin_client, locale):
    post_form(admin_client, "/admin/commitments/new", {**TEXTS, "code": "answer-on-time",
                                                       "measure": "answered_on_time_share"},
              form_page="/admin/commitments/new")
    if locale == "en":
        admin_client.get("/?lang=en")
    response = post_form(admin_client, "/admin/commitments/answer-on-time/targets", {"year": "1999", "target": "101"},
                         form_page="/admin/commitments/answer-on-time")
    assert response.status_code == 422
    assert shown(app, response, locale, "The year is a number from %(first)d to %(last)d.", first=2000, last=2100)
    assert shown(app, response, locale, "The target is a whole number from 0 to %(max)d.", max=100)
