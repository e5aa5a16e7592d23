"""The activity page: a signed-in person's comments and items, what they follow, their workshop
sign-ups; unfollowing and cancelling from it; never anyone else's rows.
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from civic.accounts.models import User
from civic.cases import queries as case_queries
from civic.extensions import db
from civic.feedback import moderation
from civic.feedback import queries as feedback_queries
from civic.feedback.models import Subscription
from civic.workshops import queries as workshop_queries
from civic.workshops import services as workshop_services
from civic.workshops.models import Registration
from tests.feedback.conftest import post
from tests.support import login, post_form
from tests.workshops.conftest import hold, person


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def follow(app, account, slug: str) -> int:
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, slug)
        subscription = moderation.follow(db.session, db.session.get(User, account.id), case=case)
        db.session.commit()
        return subscription.id


def sign_up(app, account, workshop_id: int, number: int) -> int:
    """``account`` signs up, signed in, as person ``number``; returns the registration's id."""
    with app.test_request_context():
        workshop = workshop_queries.get_workshop(db.session, workshop_id)
        result = workshop_services.sign_up(db.session, workshop, person(number),
                                           user=db.session.get(User, account.id), locale="zh_Hant_TW")
        db.session.commit()
        return result.registration.id


@pytest.fixture
def activity(app, citizen, other_citizen, staff, published_case):
    """The citizen's comment, follow and two sign-ups (one seated, one waitlisted behind another's seat),
    and the neighbour's own comment, follow and sign-up."""
    comment_id, number = post(app, citizen, published_case, "請問**施工**期間的交通維持計畫？")
    _, other_number = post(app, other_citizen, published_case, "鄰居的問題，別人看不到")
    seated_workshop = hold(app, staff, title="交通維持說明會")
    full_workshop = hold(app, staff, title="滿額工作坊", capacity=1)
    other_signup = sign_up(app, other_citizen, full_workshop, 1)
    return {
        "comment": comment_id, "number": number, "other_number": other_number,
        "subscription": follow(app, citizen, published_case),
        "other_subscription": follow(app, other_citizen, published_case),
        "seated": sign_up(app, citizen, seated_workshop, 2),
        "waitlisted": sign_up(app, citizen, full_workshop, 3),
        "other_signup": other_signup,
    }


def test_a_citizen_sees_their_comments_follows_and_sign_ups_in_both_languages(app, client, citizen, activity):
    login(client, citizen)
    response = client.get("/account/activity")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = page_of(response)
    assert "我的參與紀錄" in page
    assert activity["number"] in page and "請問施工期間的交通維持計畫？" in page
    assert "已收到" in page and "尚未受理" in page and "回覆期限" in page
    assert "我追蹤的案件與機關" in page and "取消追蹤" in page
    assert "交通維持說明會" in page and "已取得名額" in page
    assert "滿額工作坊" in page and "您是第 1 位候補。" in page and "取消報名" in page
    english = page_of(client.get("/account/activity?lang=en"))
    assert "My activity" in english and activity["number"] in english
    assert "Received" in english and "Not acknowledged yet" in english
    assert "You are number 1 on the waitlist." in english and "Cancel sign-up" in english and "Unfollow" in english


def test_another_persons_items_are_not_shown(app, client, citizen, activity):
    login(client, citizen)
    page = page_of(client.get("/account/activity"))
    assert activity["other_number"] not in page and "鄰居的問題" not in page
    assert f'data-subscription="{activity["other_subscription"]}"' not in page
    assert f'data-registration="{activity["other_signup"]}"' not in page
    assert f'data-registration="{activity["seated"]}"' in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/account/activity")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_an_answered_and_overdue_item_says_so(app, client, citizen, activity):
    with app.app_context():
        item = feedback_queries.get_feedback(db.session, activity["number"])
        item.due_at = item.received_at - timedelta(days=1)
        db.session.commit()
    login(client, citizen)
    assert "逾期" in page_of(client.get("/account/activity"))
    assert "Overdue" in page_of(client.get("/account/activity?lang=en"))


def test_unfollowing_from_the_page_ends_only_ones_own_subscription(app, client, citizen, activity):
    login(client, citizen)
    mine = f"/account/activity/following/{activity['subscription']}/unfollow"
    theirs = f"/account/activity/following/{activity['other_subscription']}/unfollow"
    assert post_form(client, theirs, {}, form_page="/account/activity").status_code == 404
    response = post_form(client, mine, {}, form_page="/account/activity")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/activity#following")
    page = page_of(client.get("/account/activity"))
    assert "您已取消追蹤。" in page and f'data-subscription="{activity["subscription"]}"' not in page
    assert post_form(client, mine, {}, form_page="/account/activity").status_code == 404  # gone now
    with app.app_context():
        assert db.session.get(Subscription, activity["subscription"]) is None
        assert db.session.get(Subscription, activity["other_subscription"]) is not None


def test_a_post_without_the_csrf_token_changes_nothing(app, client, citizen, activity):
    login(client, citizen)
    assert client.post(f"/account/activity/following/{activity['subscription']}/unfollow").status_code == 400
    assert client.post(f"/account/activity/workshops/{activity['seated']}/cancel").status_code == 400
    with app.app_context():
        assert db.session.get(Subscription, activity["subscription"]) is not None
        assert db.session.get(Registration, activity["seated"]).status == "confirmed"


def test_cancelling_from_the_page_cancels_only_ones_own_sign_up(app, client, citizen, activity):
    login(client, citizen)
    theirs = f"/account/activity/workshops/{activity['other_signup']}/cancel"
    assert post_form(client, theirs, {}, form_page="/account/activity").status_code == 404
    response = post_form(client, f"/account/activity/workshops/{activity['seated']}/cancel", {},
                         form_page="/account/activity")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/activity#workshops")
    page = page_of(client.get("/account/activity"))
    assert "您的報名已取消，謝謝您告訴我們。" in page
    with app.app_context():
        assert db.session.get(Registration, activity["seated"]).status == "cancelled"
        assert db.session.get(Registration, activity["other_signup"]).status == "confirmed"
    again = post_form(client, f"/account/activity/workshops/{activity['seated']}/cancel", {},
                      form_page="/account/activity")
    assert again.status_code == 302
    assert "這筆報名已經取消。" in page_of(client.get("/account/activity"))


def test_cancelling_a_seat_from_the_page_gives_it_to_the_waitlist(app, client, citizen, other_citizen, activity):
    other = app.test_client()
    login(other, other_citizen)
    assert post_form(other, f"/account/activity/workshops/{activity['other_signup']}/cancel", {},
                     form_page="/account/activity").status_code == 302
    with app.app_context():
        assert db.session.get(Registration, activity["waitlisted"]).status == "confirmed"


def test_the_page_runs_a_fixed_number_of_queries(app, client, citizen, staff, published_case, count_queries):
    login(client, citizen)
    post(app, citizen, published_case, "第一則")
    hold_id = hold(app, staff, title="一場", capacity=1)
    sign_up(app, citizen, hold_id, 1)
    with count_queries() as few:
        assert client.get("/account/activity").status_code == 200
    for number in range(2, 8):
        post(app, citizen, published_case, f"第 {number} 則")
        sign_up(app, citizen, hold(app, staff, title=f"第 {number} 場", capacity=1), number)
    with count_queries() as many:
        page = client.get("/account/activity")
    assert page.status_code == 200
    assert len(many) == len(few)
    assert "查看您全部 7 則留言" in page_of(page)


def test_each_section_has_its_own_pages(app, client, citizen, published_case):
    for number in range(22):
        post(app, citizen, published_case, f"第 {number} 則留言")
    login(client, citizen)
    first = page_of(client.get("/account/activity/comments"))
    assert "第 21 則留言" in first and "第 1 則留言" not in first
    second = page_of(client.get("/account/activity/comments?page=2"))
    assert "第 1 則留言" in second and "第 0 則留言" in second
    assert client.get("/account/activity/comments?page=3").status_code == 404
    assert client.get("/account/activity/comments?page=x").status_code == 400
    assert client.get("/account/activity/following").status_code == 200
    assert client.get("/account/activity/workshops").status_code == 200


def test_the_account_page_links_to_the_activity_page(client, citizen):
    login(client, citizen)
    assert 'href="/account/activity"' in client.get("/account").get_data(as_text=True)
