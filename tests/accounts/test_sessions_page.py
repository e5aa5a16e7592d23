"""The sessions page over real HTTP: two browsers signed in to one account, each listed with its
device and masked network; one signed out from the other; nobody else can end them.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from civic.accounts.devices import describe_device, device_parts, mask_address
from civic.accounts.models import UserSession
from civic.core.audit import AuditEntry
from civic.extensions import db
from tests.support import login, post_form

PHONE_ADDRESS = "203.0.113.7"
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
               "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")
LAPTOP_ADDRESS = "2001:db8:85a3:1234:5678:8a2e:370:7334"
LAPTOP_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
_END = re.compile(r'action="(/account/sessions/(\d+)/end)"')


def browser(app, address: str, agent: str):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent})
    return client


@pytest.fixture
def phone(app, citizen):
    client = browser(app, PHONE_ADDRESS, PHONE_AGENT)
    assert login(client, citizen).status_code == 302
    return client


@pytest.fixture
def laptop(app, citizen):
    client = browser(app, LAPTOP_ADDRESS, LAPTOP_AGENT)
    assert login(client, citizen).status_code == 302
    return client


def session_ids(app, account) -> dict[str, int]:
    """The account's sessions by device summary."""
    with app.app_context():
        rows = db.session.execute(select(UserSession.device, UserSession.id)
                                  .where(UserSession.user_id == account.id))
        return dict(rows.all())


def count_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(UserSession.id)))


def ended_entries(app) -> list[AuditEntry]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEntry)
                                       .where(AuditEntry.action == "account.session_ended")))
        db.session.expunge_all()
        return rows


# The summaries themselves.


@pytest.mark.parametrize(("agent", "expected"), [
    (PHONE_AGENT, "Chrome · Android"),
    (LAPTOP_AGENT, "Firefox · Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari · iPhone"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Safari/605.1.15", "Safari · macOS"),
    ("curl/8.5.0", "curl · "),
    ("", ""),
    (None, ""),
    ("nonsense", ""),
])
def test_the_device_is_summarised_from_the_user_agent(agent, expected):
    assert describe_device(agent) == expected


def test_a_summary_splits_into_browser_and_system():
    assert device_parts("Chrome · Android") == ("Chrome", "Android")
    assert device_parts("curl · ") == ("curl", "")
    assert device_parts("") == ("", "")


@pytest.mark.parametrize(("address", "expected"), [
    ("203.0.113.7", "203.0.113.x"),
    ("::ffff:198.51.100.23", "198.51.100.x"),
    (LAPTOP_ADDRESS, "2001:db8:85a3::/48"),
    ("::1", "::/48"),
    ("", ""),
    (None, ""),
    ("not an address", ""),
])
def test_the_network_hides_the_last_part_of_the_address(address, expected):
    assert mask_address(address) == expected


# The page.


def test_the_page_lists_both_browsers_and_marks_this_one(app, citizen, phone, laptop):
    page = laptop.get("/account/sessions")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Android 上的 Chrome" in text and "Windows 上的 Firefox" in text
    assert "203.0.113.x" in text and "2001:db8:85a3::/48" in text
    # The whole address is never on the page.
    assert PHONE_ADDRESS not in text and "8a2e" not in text
    # Newest seen first: the laptop signed in last.
    assert text.index("Windows 上的 Firefox") < text.index("Android 上的 Chrome")
    laptop_item = text[text.index("Windows 上的 Firefox"):text.index("Android 上的 Chrome")]
    phone_item = text[text.index("Android 上的 Chrome"):]
    assert "目前使用的瀏覽器</strong>" in laptop_item and "目前使用的瀏覽器</strong>" not in phone_item
    assert laptop_item.count("<time datetime=") == 2 and phone_item.count("<time datetime=") == 2
    # Dates as the pages write them: 民國 years in Chinese.
    assert "民國" in text
    # The other browser's button names its device for screen readers.
    assert "登出此瀏覽器<span class=\"govuk-visually-hidden\">: Android 上的 Chrome, 203.0.113.x" \
        in phone_item
    assert 'action="/account/sessions/end-others"' in text
    assert 'href="/account/sessions"' in laptop.get("/account").get_data(as_text=True)


def test_ending_the_other_browser_signs_it_out_at_its_next_request(app, citizen, phone, laptop):
    ids = session_ids(app, citizen)
    response = post_form(laptop, f"/account/sessions/{ids['Chrome · Android']}/end", {},
                         form_page="/account/sessions")
    assert response.status_code == 302 and response.headers["Location"] == "/account/sessions"
    assert session_ids(app, citizen) == {"Firefox · Windows": ids["Firefox · Windows"]}
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Android 上的 Chrome" not in page and "該瀏覽器已登出。" in page
    # The phone is sent to sign in; the laptop is still signed in.
    assert phone.get("/account").headers["Location"].startswith("/login")
    assert laptop.get("/account").status_code == 200
    [entry] = ended_entries(app)
    assert entry.actor_id == citizen.id and entry.target_id == str(citizen.id)
    assert entry.details["session_id"] == ids["Chrome · Android"]
    assert entry.details["device"] == "Chrome · Android"
    assert entry.details["network"] == "203.0.113.x"
    assert entry.details["this_browser"] is False
    assert entry.details["address"] == LAPTOP_ADDRESS


def test_ending_this_browser_from_the_list_signs_it_out(app, citizen, phone, laptop):
    ids = session_ids(app, citizen)
    response = post_form(laptop, f"/account/sessions/{ids['Firefox · Windows']}/end", {},
                         form_page="/account/sessions")
    assert response.headers["Location"] == "/login"
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200
    assert ended_entries(app)[0].details["this_browser"] is True


def test_ending_all_others_from_the_page_comes_back_to_it(app, citizen, phone, laptop):
    response = post_form(laptop, "/account/sessions/end-others",
                         {"next": "/account/sessions"}, form_page="/account/sessions")
    assert response.headers["Location"] == "/account/sessions"
    assert list(session_ids(app, citizen)) == ["Firefox · Windows"]
    assert phone.get("/account").status_code == 302


def test_another_user_cannot_end_a_session_and_nothing_changes(app, citizen, other_citizen,
                                                               phone):
    ids = session_ids(app, citizen)
    stranger = browser(app, "198.51.100.1", LAPTOP_AGENT)
    login(stranger, other_citizen)
    before = count_sessions(app)
    response = post_form(stranger, f"/account/sessions/{ids['Chrome · Android']}/end", {},
                         form_page="/account/sessions")
    assert response.status_code == 404
    assert count_sessions(app) == before
    assert phone.get("/account").status_code == 200
    assert ended_entries(app) == []
    # Nor does the stranger's page show it, and an id nobody has is 404 as well.
    page = stranger.get("/account/sessions").get_data(as_text=True)
    assert "203.0.113.x" not in page and f"/account/sessions/{ids['Chrome · Android']}/end" \
        not in page
    assert post_form(stranger, "/account/sessions/999999/end", {},
                     form_page="/account/sessions").status_code == 404


def test_ending_needs_the_csrf_token(app, citizen, phone, laptop):
    ids = session_ids(app, citizen)
    response = laptop.post(f"/account/sessions/{ids['Chrome · Android']}/end")
    assert response.status_code == 400
    assert len(session_ids(app, citizen)) == 2


def test_anonymous_visitors_are_sent_to_sign_in(app, citizen, phone):
    ids = session_ids(app, citizen)
    anonymous = app.test_client()
    response = anonymous.get("/account/sessions")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    response = post_form(anonymous, f"/account/sessions/{ids['Chrome · Android']}/end", {},
                         form_page="/login")
    assert "/login" in response.headers["Location"]
    assert phone.get("/account").status_code == 200


def test_the_page_in_english(app, citizen, phone, laptop):
    laptop.get("/?lang=en")
    text = laptop.get("/account/sessions").get_data(as_text=True)
    assert '<html lang="en"' in text
    assert "Chrome on Android" in text and "Firefox on Windows" in text
    assert "This browser" in text and "Sign out this browser" in text
    assert "First signed in" in text and "Last seen" in text
    assert "民國" not in text
    assert {int(number) for _, number in _END.findall(text)} == set(
        session_ids(app, citizen).values())


def test_last_seen_is_not_written_on_every_request(app, citizen, laptop):
    with app.app_context():
        before = db.session.scalar(select(UserSession.last_seen_at))
    laptop.get("/account")
    laptop.get("/account/sessions")
    with app.app_context():
        assert db.session.scalar(select(UserSession.last_seen_at)) == before
