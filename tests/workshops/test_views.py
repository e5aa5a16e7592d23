"""Workshops over HTTP: the public list and page, signing up and cancelling through the mailed
link, calendars, the staff screens, and every role that must be refused.
"""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from civic.core.audit import AuditEntry
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.notifications.worker import deliver_pending
from civic.workshops import queries
from civic.workshops.models import Registration, Workshop
from civic.workshops.services import SignupInput
from tests.support import csrf_token, login, post_form
from tests.workshops.conftest import hold, sign_up

PERSON = {"name": "林美玲", "email": "meiling.lin@example.tw", "phone": "0912-345-678", "consent": "y"}


def page_of(response) -> str:
    """The page's text with HTML entities resolved, so messages compare as written."""
    return html.unescape(response.get_data(as_text=True))


def local(moment) -> str:
    return to_taipei(moment).strftime("%Y-%m-%dT%H:%M")


def deliver(app) -> None:
    with app.app_context():
        deliver_pending(db.session)


# The public side


def test_the_list_shows_upcoming_workshops_first_and_keeps_past_ones(app, client, staff, other_agency_staff):
    past = hold(app, staff, title="去年的工作坊", starts_at=utcnow() - timedelta(days=30),
                now=utcnow() - timedelta(days=40))
    later = hold(app, staff, title="下個月的工作坊", starts_at=utcnow() + timedelta(days=30))
    soon = hold(app, other_agency_staff, title="明天的工作坊", starts_at=utcnow() + timedelta(days=1))
    page = page_of(client.get("/workshops"))
    assert page.index("明天的工作坊") < page.index("下個月的工作坊") < page.index("去年的工作坊")
    assert f"/workshops/{past}" in page and f"/workshops/{later}" in page and f"/workshops/{soon}" in page
    only_a = page_of(client.get(f"/workshops?agency={staff.agency_code}"))
    assert "下個月的工作坊" in only_a and "明天的工作坊" not in only_a
    assert client.get("/workshops?agency=NOPE").status_code == 400
    assert client.get("/workshops?page=abc").status_code == 400
    assert client.get("/workshops?page=9").status_code == 404


def test_the_list_filters_by_case(app, client, staff, published_case):
    hold(app, staff, title="案件工作坊", case_slug=published_case)
    hold(app, staff, title="一般工作坊")
    page = page_of(client.get(f"/workshops?case={published_case}"))
    assert "案件工作坊" in page and "一般工作坊" not in page


def test_lists_and_pages_run_a_fixed_number_of_queries(app, client, staff, other_agency_staff, published_case,
                                                       count_queries):
    first = hold(app, staff, case_slug=published_case)
    sign_up(app, first, 1)
    with count_queries() as few:
        assert client.get("/workshops").status_code == 200
    with count_queries() as one_page:
        assert client.get(f"/workshops/{first}").status_code == 200
    with count_queries() as small_feed:
        assert client.get("/workshops.ics").status_code == 200
    for number in range(4):
        hold(app, other_agency_staff, title=f"工作坊 {number}")
        hold(app, staff, title=f"案件工作坊 {number}", case_slug=published_case)
    for number in range(2, 8):
        sign_up(app, first, number)
    with count_queries() as many:
        assert client.get("/workshops").status_code == 200
    with count_queries() as busy_page:
        assert client.get(f"/workshops/{first}").status_code == 200
    assert len(many) == len(few)
    assert len(busy_page) == len(one_page)
    with count_queries() as feed:
        assert client.get("/workshops.ics").status_code == 200
    assert len(feed) == len(small_feed)


def test_a_visitor_signs_up_gets_mail_cancels_by_the_link_and_the_waitlist_moves_up(app, client, staff, workshop,
                                                                                    mailbox, shown, zh):
    page = page_of(client.get(f"/workshops/{workshop}"))
    for name in ("name", "email", "phone", "consent", "csrf_token"):
        assert f'name="{name}"' in page
    assert shown("Who collects it: %(agency)s, which holds this workshop.", agency="測試機關 A00000001") in page
    assert shown("%(left)d of %(capacity)d seats left", left=3, capacity=3) in page
    response = post_form(client, f"/workshops/{workshop}", PERSON)
    assert response.status_code == 302
    own_page = response.headers["Location"]
    assert own_page.startswith("/workshops/registrations/")
    mine = page_of(client.get(own_page))
    assert shown("Seat confirmed") in mine and "https://meet.example.tw/wanda-workshop" in mine
    assert "m***@example.tw" in mine and PERSON["email"] not in mine
    for number in (2, 3, 4):
        sign_up(app, workshop, number)
    deliver(app)
    [confirmation] = mailbox.to(PERSON["email"])
    text = mailbox.text(confirmation)
    assert "https://meet.example.tw/wanda-workshop" in text
    assert mailbox.link(confirmation, "/workshops/registrations/") == own_page
    cancel_link = mailbox.link(confirmation, own_page + "/cancel")
    calendar_link = mailbox.link(confirmation, own_page + "/calendar.ics")
    assert "meet.example.tw" in client.get(calendar_link).get_data(as_text=True)

    visitor = app.test_client()
    assert shown("Yes, cancel my registration") in page_of(visitor.get(cancel_link))
    response = post_form(visitor, cancel_link, {})
    assert response.status_code == 302
    assert shown("Cancelled") in page_of(visitor.get(own_page))
    deliver(app)
    assert mailbox.to("person4@example.tw")[-1]["Subject"] == zh("A seat came free and it is yours: %(title)s",
                                                                 title="萬大線施工交通維持工作坊")
    with app.app_context():
        workshop_row = db.session.get(Workshop, workshop)
        assert (workshop_row.confirmed_count, workshop_row.waitlisted_count) == (3, 0)
    assert post_form(visitor, cancel_link, {}, form_page="/login").status_code == 409


def test_a_full_workshop_puts_people_on_the_waitlist_with_their_place(app, client, full_workshop, shown):
    workshop_id, _people = full_workshop
    page = page_of(client.get(f"/workshops/{workshop_id}"))
    assert shown("Join the waitlist") in page
    response = post_form(client, f"/workshops/{workshop_id}", PERSON)
    mine = page_of(client.get(response.headers["Location"]))
    assert shown("You are number %(place)d on the waitlist.", place=3) in mine
    assert "meet.example.tw" not in mine
    calendar = Calendar.from_ical(client.get(response.headers["Location"] + "/calendar.ics").data)
    assert "meet.example.tw" not in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])


def test_signing_up_twice_with_one_email_is_refused_politely(app, client, workshop, shown):
    assert post_form(client, f"/workshops/{workshop}", PERSON).status_code == 302
    again = post_form(app.test_client(), f"/workshops/{workshop}", {**PERSON, "email": "MeiLing.Lin@example.tw"},
                      form_page=f"/workshops/{workshop}")
    assert again.status_code == 409
    assert shown("This email address is already signed up for this workshop. The confirmation mail has a link to "
                 "see or cancel the registration.") in page_of(again)
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "Enter your name."),
    ("email", "meiling.lin", "Enter an email address in the right format, like name@example.tw."),
    ("phone", "12345", "Enter a phone number we can call, like 0912 345 678 or +886 2 2345 6789."),
    ("consent", "", "To sign up, agree to the use of your data as described."),
])
def test_bad_sign_ups_are_explained_in_chinese_and_nothing_is_stored(app, client, workshop, field, value, message,
                                                                    shown):
    response = post_form(client, f"/workshops/{workshop}", {**PERSON, field: value})
    assert response.status_code == 422
    assert shown(message) in page_of(response)
    assert 'class="govuk-error-summary' in page_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 0
        assert db.session.get(Workshop, workshop).confirmed_count == 0


def test_a_post_without_its_csrf_token_is_refused(app, client, workshop):
    assert client.post(f"/workshops/{workshop}", data=PERSON).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_signed_in_people_find_the_form_filled_in(app, client, citizen, workshop):
    login(client, citizen)
    page = page_of(client.get(f"/workshops/{workshop}"))
    assert f'value="{citizen.email}"' in page and 'value="citizen"' in page
    response = post_form(client, f"/workshops/{workshop}", {"name": "citizen", "email": citizen.email,
                                                            "phone": "0912345678", "consent": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Registration.user_id)) == citizen.id


def test_sign_ups_are_rate_limited_per_address(app, workshop):
    app.config["WORKSHOP_SIGNUP_RATE_LIMIT"] = "2 per minute"
    try:
        client = app.test_client()
        statuses = [post_form(client, f"/workshops/{workshop}", {**PERSON, "email": f"p{i}@example.tw"}).status_code
                    for i in range(3)]
    finally:
        del app.config["WORKSHOP_SIGNUP_RATE_LIMIT"]
    assert statuses == [302, 302, 429]


def test_personal_data_and_the_online_link_never_reach_public_pages_or_calendars(app, staff, full_workshop,
                                                                                 published_case, citizen):
    workshop_id, people = full_workshop
    secrets = [p.email for p in people] + ["參加者1", "+886912345001", "0912 345 001", "meet.example.tw",
                                           people[0].token]
    viewers = [app.test_client()]
    signed_in = app.test_client()
    login(signed_in, citizen)
    viewers.append(signed_in)
    for client in viewers:
        for path in ["/workshops", f"/workshops/{workshop_id}", f"/workshops/{workshop_id}.ics", "/workshops.ics",
                     f"/workshops?agency={staff.agency_code}", "/"]:
            response = client.get(path)
            assert response.status_code == 200, path
            body = page_of(response)
            for secret in secrets:
                assert secret not in body, (path, secret)


def test_calendars_parse_and_describe_the_workshop(app, client, staff, workshop):
    hold(app, staff, title="第二場", starts_at=utcnow() + timedelta(days=9))
    hold(app, staff, title="去年", starts_at=utcnow() - timedelta(days=30), now=utcnow() - timedelta(days=40))
    response = client.get(f"/workshops/{workshop}.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = Calendar.from_ical(response.data).walk("VEVENT")
    with app.app_context():
        row = db.session.get(Workshop, workshop)
        assert event.decoded("DTSTART") == row.starts_at and event.decoded("DTEND") == row.ends_at
    assert str(event["SUMMARY"]) == "萬大線施工交通維持工作坊"
    assert str(event["UID"]) == f"workshop-{workshop}@civic.test"
    assert str(event["LOCATION"]).startswith("臺北市萬華區") and str(event["STATUS"]) == "CONFIRMED"
    feed = Calendar.from_ical(client.get("/workshops.ics").data)
    assert sorted(str(e["SUMMARY"]) for e in feed.walk("VEVENT")) == ["第二場", "萬大線施工交通維持工作坊"]
    assert client.get("/workshops/999999.ics").status_code == 404


def test_a_wrong_or_purged_link_gets_a_friendly_404(app, client, shown):
    for path in ["/workshops/registrations/nope", "/workshops/registrations/nope/cancel",
                 "/workshops/registrations/nope/calendar.ics", "/workshops/registrations/" + "x" * 200]:
        response = client.get(path)
        assert response.status_code == 404
    assert shown("This link does not work") in page_of(client.get("/workshops/registrations/nope"))


def test_a_cancelled_workshop_says_why_and_takes_no_sign_ups(app, client, staff, workshop):
    staff_client = app.test_client()
    login(staff_client, staff)
    response = post_form(staff_client, f"/staff/workshops/{workshop}/cancel", {"reason": "颱風停班停課"})
    assert response.status_code == 302
    page = page_of(client.get(f"/workshops/{workshop}"))
    assert "颱風停班停課" in page and 'name="phone"' not in page
    assert post_form(client, f"/workshops/{workshop}", PERSON, form_page="/login").status_code == 409
    [event] = Calendar.from_ical(client.get(f"/workshops/{workshop}.ics").data).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


# The agency's side


def test_staff_hold_a_workshop_with_the_contract_field_names(app, staff, published_case):
    client = app.test_client()
    login(client, staff)
    form = page_of(client.get("/staff/workshops/new"))
    for name in ("title", "starts_at", "ends_at", "capacity", "location", "case"):
        assert f'name="{name}"' in form
    start = utcnow() + timedelta(days=7)
    response = post_form(client, "/staff/workshops/new", {
        "title": "新工作坊", "starts_at": local(start), "ends_at": local(start + timedelta(hours=2)),
        "capacity": "３０", "location": "臺北市政府", "case": published_case})
    assert response.status_code == 302
    with app.app_context():
        workshop = db.session.scalar(select(Workshop))
        assert (workshop.title, workshop.capacity, workshop.case_id is not None) == ("新工作坊", 30, True)
        assert local(workshop.starts_at) == local(start)
    assert "新工作坊" in page_of(client.get("/staff/workshops/"))
    assert "新工作坊" in page_of(app.test_client().get("/workshops"))


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "Enter the workshop's title."),
    ({"starts_at": "明天下午"}, "Enter a date and time in Taipei time, like %(example)s."),
    ({"capacity": "三十"}, "Enter the number of seats as a whole number, like 30."),
    ({"capacity": "0"}, "Enter the number of seats, from 1 to %(limit)d."),
    ({"location": ""}, "Enter the address, the online link, or both."),
    ({"ends_at": "2020-01-01T10:00"}, "The workshop must end after it starts."),
])
def test_bad_workshops_are_explained_and_nothing_is_stored(app, staff, change, message, shown):
    client = app.test_client()
    login(client, staff)
    start = utcnow() + timedelta(days=7)
    data = {"title": "新工作坊", "starts_at": local(start), "ends_at": local(start + timedelta(hours=2)),
            "capacity": "30", "location": "臺北市政府", **change}
    response = post_form(client, "/staff/workshops/new", data)
    assert response.status_code == 422
    assert shown(message, limit=5000, example="民國115年3月19日 14:00") in page_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Workshop.id))) == 0


STAFF_PAGES = ["/staff/workshops/{id}", "/staff/workshops/{id}/edit", "/staff/workshops/{id}/attendees.csv",
               "/staff/workshops/{id}/message", "/staff/workshops/{id}/cancel"]
STAFF_POSTS = [("/staff/workshops/{id}/edit", {"title": "越權"}), ("/staff/workshops/{id}/attendance", {}),
               ("/staff/workshops/{id}/message", {"audience": "all", "subject": "越權", "body": "越權"}),
               ("/staff/workshops/{id}/cancel", {"reason": "越權"}),
               ("/staff/workshops/{id}/registrations/{registration}/cancel", {})]


@pytest.mark.parametrize("role", ["anonymous", "citizen", "supplier", "other_agency_staff", "moderator", "admin",
                                  "staff"])
def test_only_the_holding_agencys_staff_reach_the_attendee_list(app, request, role, full_workshop):
    workshop_id, people = full_workshop
    client = app.test_client()
    if role != "anonymous":
        login(client, request.getfixturevalue(role))
    expected = {"anonymous": 302, "staff": 200, "other_agency_staff": 403}.get(role, 403)
    for path in STAFF_PAGES:
        response = client.get(path.format(id=workshop_id))
        assert response.status_code == expected, (path, response.status_code)
        if expected != 200:
            assert people[0].email not in page_of(response)
    assert client.get("/staff/workshops/new").status_code == (expected if role != "other_agency_staff" else 200)
    assert client.get("/staff/workshops/999999").status_code == (404 if role.endswith("staff") else expected)
    if role == "staff":
        return
    token = csrf_token(client, "/login" if role == "anonymous" else "/")
    for path, data in STAFF_POSTS:
        url = path.format(id=workshop_id, registration=people[0].id)
        assert client.post(url, data={**data, "csrf_token": token}).status_code == expected, url
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        assert (workshop.title, workshop.status, workshop.confirmed_count) == (
            "萬大線施工交通維持工作坊", "scheduled", 3)
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action.in_(["workshop.messaged", "workshop.attendees_exported"]))) == 0


def test_other_agencies_staff_do_not_see_the_workshop_in_their_list(app, other_agency_staff, workshop):
    client = app.test_client()
    login(client, other_agency_staff)
    assert "萬大線施工交通維持工作坊" not in page_of(client.get("/staff/workshops/"))


def formula_person(name: str) -> SignupInput:
    return SignupInput(name=name, email="formula@example.tw", phone="0911111111", consent=True)


def test_the_attendee_list_and_its_csv_for_the_agency(app, staff, full_workshop, zh):
    workshop_id, people = full_workshop
    sign_up(app, workshop_id, formula_person("=HYPERLINK(\"http://evil\")"))
    client = app.test_client()
    login(client, staff)
    page = page_of(client.get(f"/staff/workshops/{workshop_id}"))
    assert all(p.email in page for p in people) and "0912 345 001" in page
    response = client.get(f"/staff/workshops/{workshop_id}/attendees.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == [zh("Status"), zh("Waitlist number"), zh("Name"), zh("Email"), zh("Phone")]
    assert [row[3] for row in rows[1:]][:5] == [p.email for p in people]
    assert rows[1][4] == "'+886912345001"
    assert any(row[2] == "'=HYPERLINK(\"http://evil\")" for row in rows)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.actor_id).where(
            AuditEntry.action == "workshop.attendees_exported")) == staff.id


def test_staff_take_attendance_on_the_day(app, staff, full_workshop, shown):
    workshop_id, people = full_workshop
    client = app.test_client()
    login(client, staff)
    response = post_form(client, f"/staff/workshops/{workshop_id}/attendance", {"attended": [str(people[0].id)]},
                         form_page=f"/staff/workshops/{workshop_id}")
    assert response.status_code == 422
    assert shown("Attendance can be taken from the day of the workshop.") in page_of(response)
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        workshop.starts_at = utcnow() + timedelta(minutes=5)
        workshop.ends_at = utcnow() + timedelta(hours=2)
        db.session.commit()
    response = post_form(client, f"/staff/workshops/{workshop_id}/attendance",
                         {"attended": [str(people[0].id), str(people[1].id)]},
                         form_page=f"/staff/workshops/{workshop_id}")
    assert response.status_code == 302
    with app.app_context():
        assert queries.count_registrations(db.session, workshop_id).attended == 2


def test_staff_write_to_participants_and_edit_the_workshop(app, staff, full_workshop, mailbox):
    workshop_id, people = full_workshop
    client = app.test_client()
    login(client, staff)
    response = post_form(client, f"/staff/workshops/{workshop_id}/message",
                         {"audience": "confirmed", "subject": "請攜帶身分證件", "body": "入場需核對身分。"})
    assert response.status_code == 302
    deliver(app)
    assert mailbox.to(people[0].email)[-1]["Subject"].startswith("請攜帶身分證件")
    assert not any("請攜帶身分證件" in m["Subject"] for m in mailbox.to(people[4].email))
    edit = page_of(client.get(f"/staff/workshops/{workshop_id}/edit"))
    assert 'value="萬大線施工交通維持工作坊"' in edit
    with app.app_context():
        row = db.session.get(Workshop, workshop_id)
        start, end = local(row.starts_at), local(row.ends_at)
    response = post_form(client, f"/staff/workshops/{workshop_id}/edit", {
        "title": "萬大線工作坊（加場）", "starts_at": start, "ends_at": end, "capacity": "5",
        "location": "臺北市萬華區", "online_url": "https://meet.example.tw/wanda-workshop"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Workshop, workshop_id)
        assert (row.title, row.capacity, row.confirmed_count, row.waitlisted_count) == ("萬大線工作坊（加場）", 5, 5, 0)
    response = post_form(client, f"/staff/workshops/{workshop_id}/edit", {
        "title": "x", "starts_at": start, "ends_at": end, "capacity": "2", "location": "臺北市萬華區"})
    assert response.status_code == 422


def test_staff_cancel_a_registration_for_someone_who_phoned(app, staff, full_workshop):
    workshop_id, people = full_workshop
    client = app.test_client()
    login(client, staff)
    response = post_form(client, f"/staff/workshops/{workshop_id}/registrations/{people[0].id}/cancel", {},
                         form_page=f"/staff/workshops/{workshop_id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Registration, people[3].id).status == "confirmed"


def test_the_commands_remind_and_purge(app, full_workshop):
    workshop_id, _people = full_workshop
    runner = app.test_cli_runner()
    assert "reminders queued: 0" in runner.invoke(args=["workshops", "remind"]).output
    with app.app_context():
        row = db.session.get(Workshop, workshop_id)
        row.starts_at = utcnow() + timedelta(hours=20)
        row.ends_at = utcnow() + timedelta(hours=22)
        db.session.commit()
    assert "reminders queued: 3" in runner.invoke(args=["workshops", "remind"]).output
    assert "reminders queued: 0" in runner.invoke(args=["workshops", "remind"]).output
    with app.app_context():
        row = db.session.get(Workshop, workshop_id)
        row.starts_at = utcnow() - timedelta(days=200)
        row.ends_at = utcnow() - timedelta(days=200) + timedelta(hours=2)
        db.session.commit()
    result = runner.invoke(args=["workshops", "purge"])
    assert result.exit_code == 0 and "registrations: 5" in result.output and "180" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id)).where(Registration.email.is_not(None))) == 0


def test_the_partials_for_the_home_and_case_pages_list_the_workshops(app, staff, published_case):
    from flask import render_template_string

    from civic.cases.queries import get_case_with_parts
    from civic.workshops.queries import list_case_workshops

    hold(app, staff, title="案件工作坊", case_slug=published_case)
    with app.test_request_context("/"):
        case = get_case_with_parts(db.session, published_case)
        on_case = render_template_string('{% include "workshops/_case_workshops.html" %}',
                                         workshops=list_case_workshops(db.session, case.id))
        on_home = render_template_string('{% include "workshops/_upcoming.html" %}')
    assert "案件工作坊" in on_case and "/workshops/" in on_case
    assert "案件工作坊" in on_home and "/workshops" in on_home


def test_the_pages_read_in_english(app, client, workshop):
    page = page_of(client.get(f"/workshops/{workshop}?lang=en"))
    assert '<html lang="en"' in page and "Who collects it:" in page and "Sign up" in page
    assert "Participation workshops" in page_of(client.get("/workshops?lang=en"))
