"""Choosing how one hears from the follow page: per row, one's own subscriptions only, in both
languages; and the follow button as before."""

from __future__ import annotations

import html
import re

import pytest

from civic.extensions import db
from civic.feedback.models import Subscription
from tests.digests.conftest import follow, taipei
from tests.support import login, post_form, signed_in


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def frequency_of(app, subscription_id: int) -> str:
    with app.app_context():
        return db.session.get(Subscription, subscription_id).frequency


@pytest.fixture
def follows(app, citizen, other_citizen, published_case) -> dict[str, int]:
    return {"mine": follow(app, citizen, taipei(3, 8), slug=published_case, frequency="immediate"),
            "theirs": follow(app, other_citizen, taipei(3, 8), slug=published_case, frequency="immediate")}


def test_the_follow_page_offers_each_row_its_choice_with_the_current_one_selected(app, citizen, follows):
    client = signed_in(app, citizen)
    page = page_of(client.get("/account/activity"))
    form = re.search(r'<form method="post" action="/account/activity/following/(\d+)/frequency"[^>]*>(.*?)</form>',
                     page, re.S)
    assert form and int(form.group(1)) == follows["mine"]
    assert '<label class="govuk-label govuk-label--s" for="frequency-' in form.group(2)
    assert re.search(r'<option value="immediate" selected>每則回覆都寄信通知</option>', form.group(2))
    assert "每日摘要" in form.group(2) and "每週摘要" in form.group(2)
    assert f"/account/activity/following/{follows['theirs']}/frequency" not in page
    english = page_of(client.get("/account/activity/following?lang=en"))
    assert "A daily digest" in english and "An email for each answer" in english


@pytest.mark.parametrize(("language", "said"), [
    ("zh_Hant_TW", "您每天早上 7 點會收到這裡的動態摘要。"),
    ("en", "You will get a digest of what happened here each morning at 7:00."),
])
def test_the_follower_chooses_a_daily_digest_and_is_told_in_their_language(app, citizen, follows, language, said):
    client = signed_in(app, citizen)
    client.get(f"/account/activity?lang={language}")
    response = post_form(client, f"/account/activity/following/{follows['mine']}/frequency",
                         {"frequency": "daily", "next": "/account/activity/following"},
                         form_page="/account/activity")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/activity/following#following")
    assert said in page_of(client.get("/account/activity/following"))
    assert frequency_of(app, follows["mine"]) == "daily"
    assert frequency_of(app, follows["theirs"]) == "immediate"


def test_another_persons_subscription_answers_404_and_stays_as_it_was(app, citizen, follows):
    client = signed_in(app, citizen)
    response = post_form(client, f"/account/activity/following/{follows['theirs']}/frequency",
                         {"frequency": "weekly"}, form_page="/account/activity")
    assert response.status_code == 404
    assert frequency_of(app, follows["theirs"]) == "immediate"


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(app, follows):
    response = post_form(app.test_client(), f"/account/activity/following/{follows['mine']}/frequency",
                         {"frequency": "weekly"}, form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert frequency_of(app, follows["mine"]) == "immediate"


@pytest.mark.parametrize(("language", "said"), [("zh_Hant_TW", "不是有效的選擇。"), ("en", "Not a valid choice.")])
def test_a_way_not_offered_is_refused_in_the_pages_language(app, citizen, follows, language, said):
    client = signed_in(app, citizen)
    client.get(f"/account/activity?lang={language}")
    response = post_form(client, f"/account/activity/following/{follows['mine']}/frequency",
                         {"frequency": "hourly"}, form_page="/account/activity")
    assert response.status_code == 302
    assert said in page_of(client.get("/account/activity"))
    assert frequency_of(app, follows["mine"]) == "immediate"


def test_a_choice_without_the_security_token_changes_nothing(app, citizen, follows):
    client = signed_in(app, citizen)
    assert client.post(f"/account/activity/following/{follows['mine']}/frequency",
                       data={"frequency": "weekly"}).status_code == 400
    assert frequency_of(app, follows["mine"]) == "immediate"


def test_a_next_address_off_the_site_is_not_followed(app, citizen, follows):
    client = signed_in(app, citizen)
    response = post_form(client, f"/account/activity/following/{follows['mine']}/frequency",
                         {"frequency": "weekly", "next": "https://evil.example/"}, form_page="/account/activity")
    assert response.headers["Location"].endswith("/account/activity#following")


def test_the_follow_button_still_follows_and_each_answer_is_mailed_at_once(app, client, other_citizen,
                                                                           published_case):
    login(client, other_citizen)
    response = post_form(client, f"/cases/{published_case}/follow", {}, form_page=f"/cases/{published_case}")
    assert response.status_code == 302
    with app.app_context():
        subscription = db.session.query(Subscription).filter_by(user_id=other_citizen.id).one()
        assert subscription.frequency == "immediate" and subscription.digested_until is None
    assert "取消追蹤這個案件" in page_of(client.get(f"/cases/{published_case}"))
