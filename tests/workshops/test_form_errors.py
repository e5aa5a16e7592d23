"""Workshop forms over HTTP, in both languages: one submission shows every problem (the rules of
the services included), times in messages read as the site shows them, and a place on the
waitlist is shown as waiting, not as done.
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from flask_babel import force_locale, ngettext
from flask_babel import gettext as babel_gettext
from sqlalchemy import func, select

from civic.core.time import format_datetime, to_taipei, utcnow
from civic.extensions import db
from civic.workshops.models import Registration, Workshop
from tests.support import login, post_form

LANGUAGES = ["zh_Hant_TW", "en"]
PERSON = {"name": "林美玲", "email": "meiling.lin@example.tw", "phone": "0912-345-678", "consent": "y"}


@pytest.fixture
def said(app):
    """``said(locale)(message, **values)``: the message as a page in ``locale`` shows it."""

    def in_locale(locale: str):
        def translate(message: str, **values) -> str:
            with app.test_request_context(), force_locale(locale):
                return babel_gettext(message, **values)
        return translate

    return in_locale


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def in_language(client, locale: str):
    """Switch the visit to ``locale``, as the language link does (Chinese is the default)."""
    if locale == "en":
        client.get("/?lang=en")
    return client


def local(moment) -> str:
    return to_taipei(moment).strftime("%Y-%m-%dT%H:%M")


def errors_of(page: str) -> str:
    """The error summary of the page: where every problem must be listed."""
    start = page.index('class="govuk-error-summary')
    return page[start:page.index("</div>", page.index("govuk-error-summary__body", start))]


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_bad_email_a_bad_phone_and_no_consent_show_together(app, workshop, said, locale):
    client = in_language(app.test_client(), locale)
    response = post_form(client, f"/workshops/{workshop}",
                         {**PERSON, "email": "meiling.lin", "phone": "12345", "consent": ""})
    assert response.status_code == 422
    summary = errors_of(page_of(response))
    say = said(locale)
    for message in ("Enter an email address in the right format, like name@example.tw.",
                    "Enter a phone number we can call, like 0912 345 678 or +886 2 2345 6789.",
                    "To sign up, agree to the use of your data as described."):
        assert say(message) in summary, message
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 0


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_new_workshop_with_every_time_wrong_shows_every_problem_at_once(app, staff, said, locale):
    client = in_language(app.test_client(), locale)
    login(client, staff)
    start = utcnow() + timedelta(days=7)
    response = post_form(client, "/staff/workshops/new", {
        "title": "", "starts_at": local(start), "ends_at": local(start - timedelta(hours=1)),
        "signup_deadline": local(start + timedelta(hours=1)), "capacity": "0", "location": "",
        "online_url": "meet.example.tw"})
    assert response.status_code == 422
    summary = errors_of(page_of(response))
    say = said(locale)
    for message in ("Enter the workshop's title.", "The workshop must end after it starts.",
                    "Sign-ups must close before the workshop starts.",
                    "Enter the online link as a full web address starting with https://."):
        assert say(message) in summary, message
    assert say("Enter the number of seats, from 1 to %(limit)d.", limit=5000) in summary
    with app.app_context():
        assert db.session.scalar(select(func.count(Workshop.id))) == 0


def test_fewer_seats_than_are_taken_shows_with_the_other_problems(app, staff, full_workshop, said):
    workshop_id, _people = full_workshop
    client = app.test_client()
    login(client, staff)
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        start = workshop.starts_at
    edit = f"/staff/workshops/{workshop_id}/edit"
    response = post_form(client, edit, {"title": "改期", "starts_at": local(start), "ends_at": local(start),
                                        "capacity": "2", "location": "臺北市政府"})
    assert response.status_code == 422
    summary = errors_of(page_of(response))
    say = said("zh_Hant_TW")
    assert say("The workshop must end after it starts.") in summary
    with app.test_request_context(), force_locale("zh_Hant_TW"):
        taken = ngettext("%(num)d person already holds a seat; the workshop cannot have fewer seats than that.",
                         "%(num)d people already hold a seat; the workshop cannot have fewer seats than that.", 3)
    assert taken in summary


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_time_in_a_message_reads_as_the_site_shows_times(app, staff, said, locale):
    client = in_language(app.test_client(), locale)
    login(client, staff)
    start = utcnow() + timedelta(days=7)
    response = post_form(client, "/staff/workshops/new", {
        "title": "新工作坊", "starts_at": "明天下午", "ends_at": local(start), "capacity": "30",
        "location": "臺北市政府"})
    assert response.status_code == 422
    page = page_of(response)
    assert "2026-03-19T" not in page
    example = "民國115年3月19日 14:00" if locale != "en" else "19 Mar 2026 14:00"
    assert said(locale)("Enter a date and time in Taipei time, like %(example)s.", example=example) in page
    assert said(locale)("Taipei time, like %(example)s.", example=example) in page


@pytest.mark.parametrize("written", ["{iso}", "{slashes}", "民國{roc}年{m}月{d}日 {hm}", "{d} {mon} {y} {hm}"])
def test_a_time_typed_as_people_write_it_is_understood(app, staff, written):
    client = app.test_client()
    login(client, staff)
    start = to_taipei(utcnow() + timedelta(days=30)).replace(hour=14, minute=0, second=0, microsecond=0)
    typed = written.format(iso=start.strftime("%Y-%m-%dT%H:%M"),
                           slashes=f"{start.year}/{start.month}/{start.day} 14:00",
                           roc=start.year - 1911, m=start.month, d=start.day, hm="14:00",
                           mon=start.strftime("%b"), y=start.year)
    response = post_form(client, "/staff/workshops/new", {
        "title": "新工作坊", "starts_at": typed, "ends_at": local(start + timedelta(hours=2)), "capacity": "30",
        "location": "臺北市政府"})
    assert response.status_code == 302, typed
    with app.app_context():
        assert format_datetime(db.session.scalar(select(Workshop.starts_at)), "en").endswith("14:00")


def test_the_sign_up_form_asks_for_a_name_as_姓名(app, client, workshop):
    page = page_of(client.get(f"/workshops/{workshop}"))
    assert "姓名" in page and "您的名稱" not in page
    refused = page_of(post_form(client, f"/workshops/{workshop}", {**PERSON, "name": ""}))
    assert "請輸入姓名。" in refused


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_place_on_the_waitlist_is_shown_as_waiting_not_as_done(app, full_workshop, said, locale):
    workshop_id, _people = full_workshop
    client = in_language(app.test_client(), locale)
    response = post_form(client, f"/workshops/{workshop_id}", PERSON)
    assert response.status_code == 302
    page = page_of(client.get(response.headers["Location"]))
    say = said(locale)
    assert "govuk-panel--confirmation" not in page and "govuk-notification-banner--success" not in page
    assert f'>{say("Done")}<' not in page
    assert "calendar.ics" not in page and say("Add to your calendar (.ics)") not in page
    assert say("You are number %(place)d on the waitlist.", place=3) in page
    assert say("On the waitlist") in page


def test_a_seat_is_shown_as_done_with_the_calendar(app, workshop, client, said):
    response = post_form(client, f"/workshops/{workshop}", PERSON)
    page = page_of(client.get(response.headers["Location"]))
    assert "govuk-panel--confirmation" in page and "calendar.ics" in page
    assert said("zh_Hant_TW")("Seat confirmed") in page


def test_someone_on_the_waitlist_who_gets_a_seat_then_sees_the_calendar(app, full_workshop):
    _workshop_id, people = full_workshop
    waiting = people[3]
    client = app.test_client()
    mine = f"/workshops/registrations/{waiting.token}"
    assert "calendar.ics" not in page_of(client.get(mine))
    post_form(app.test_client(), f"/workshops/registrations/{people[0].token}/cancel", {},
              form_page=f"/workshops/registrations/{people[0].token}/cancel")
    assert "calendar.ics" in page_of(client.get(mine))
