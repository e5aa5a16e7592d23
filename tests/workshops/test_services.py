"""Workshop rules: holding and changing workshops, seats and the waitlist, cancellations and
promotions, attendance, messages, reminders and the retention purge.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.core.audit import AuditEntry
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.time import utcnow
from civic.extensions import db
from civic.notifications.models import OutboxMessage
from civic.workshops import participants, queries, retention, services
from civic.workshops.models import Registration, RegistrationStatus, Workshop
from civic.workshops.phones import for_display, to_e164
from tests.cases import factories as case_factories
from tests.conftest import OnTheDemoSite
from tests.workshops.conftest import hold, registration, sign_up, workshop_input


def user(account):
    return db.session.get(User, account.id)


def mails(event: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event)
                                   .order_by(OutboxMessage.id)))


def get(workshop_id: int) -> Workshop:
    return queries.get_workshop(db.session, workshop_id)


def assert_counts_match_rows(workshop_id: int) -> None:
    """The seat counts on the workshop row agree with the registrations themselves."""
    workshop = get(workshop_id)
    db.session.refresh(workshop)
    counts = queries.count_registrations(db.session, workshop_id)
    assert (workshop.confirmed_count, workshop.waitlisted_count) == (counts.confirmed, counts.waitlisted)
    assert workshop.confirmed_count <= workshop.capacity


def test_staff_hold_a_workshop_for_their_own_agency_only(app, ctx, staff, other_agency_staff, citizen, admin,
                                                        published_case):
    workshop = get(hold(app, staff, case_slug=published_case))
    assert workshop.agency.code == staff.agency_code and workshop.case.slug == published_case
    assert workshop.signup_deadline_at == workshop.starts_at and workshop.seats_left == 3
    assert "<strong>交通維持</strong>" in workshop.description_html
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "workshop.created"))
    with pytest.raises(DomainError) as error:
        hold(app, other_agency_staff, case_slug=published_case)
    assert error.value.field == "case"
    for account in (citizen, admin):
        with pytest.raises(PermissionDenied):
            hold(app, account)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": " "}, "title"),
    ({"starts_at": None}, "starts_at"),
    ({"starts_at": utcnow() - timedelta(hours=1)}, "starts_at"),
    ({"ends_at": utcnow() + timedelta(days=2)}, "ends_at"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": None}, "capacity"),
    ({"location": "", "online_url": ""}, "location"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"signup_deadline_at": utcnow() + timedelta(days=4)}, "signup_deadline"),
    ({"questions": ["?"] * 6}, "questions"),
    ({"case_slug": "no-such-case"}, "case"),
])
def test_bad_workshops_are_refused_on_the_field_at_fault_and_nothing_is_stored(app, ctx, staff, overrides, field):
    with pytest.raises(DomainError) as error:
        hold(app, staff, **overrides)
    assert error.value.field == field and error.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(Workshop.id))) == 0


def test_seats_go_first_come_then_the_waitlist_in_order_with_mail(app, ctx, full_workshop):
    workshop_id, people = full_workshop
    assert [p.status for p in people] == ["confirmed"] * 3 + ["waitlisted"] * 2
    assert [p.place for p in people[3:]] == [1, 2]
    workshop = get(workshop_id)
    assert (workshop.confirmed_count, workshop.waitlisted_count, workshop.seats_left) == (3, 2, 0)
    assert [m.to_address for m in mails("workshops.confirmed")] == [p.email for p in people[:3]]
    waitlisted = mails("workshops.waitlisted")
    assert [(m.to_address, m.context["place"]) for m in waitlisted] == [(people[3].email, 1), (people[4].email, 2)]
    # The online link goes only to people who hold a seat.
    assert all(m.context["online_url"] for m in mails("workshops.confirmed"))
    assert not any(m.context["online_url"] for m in waitlisted)
    assert_counts_match_rows(workshop_id)


def test_phones_are_stored_in_e164_and_emails_lower_cased(app, ctx, workshop):
    data = services.SignupInput(name="  王  小明 ", email="Wang.Xiaoming@Example.TW", phone="(02) 2345-6789",
                                consent=True)
    signed = sign_up(app, workshop, data)
    stored = registration(signed.id)
    assert (stored.name, stored.email, stored.phone) == ("王 小明", "wang.xiaoming@example.tw", "+886223456789")
    assert to_e164("+1 650 253 0000") == "+16502530000" and to_e164("0912-345-678") == "+886912345678"
    assert to_e164("12345") is None and to_e164("not a phone") is None
    assert for_display("+886912345678") == "0912 345 678"


def test_the_same_email_signs_up_once_whatever_its_case(app, ctx, workshop):
    sign_up(app, workshop, 1)
    twin = services.SignupInput(name="別人", email="PERSON1@example.tw", phone="0987654321", consent=True)
    with pytest.raises(Conflict) as error:
        sign_up(app, workshop, twin)
    assert error.value.field == "email"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    assert_counts_match_rows(workshop)


@pytest.mark.parametrize(("data", "field"), [
    (services.SignupInput(name="", email="a@example.tw", phone="0912345678", consent=True), "name"),
    (services.SignupInput(name="甲", email="not-an-email", phone="0912345678", consent=True), "email"),
    (services.SignupInput(name="甲", email="a@example.tw", phone="12345", consent=True), "phone"),
    (services.SignupInput(name="甲", email="a@example.tw", phone="0912345678", consent=False), "consent"),
])
def test_bad_sign_ups_are_refused_and_take_no_seat(app, ctx, workshop, data, field):
    with pytest.raises(DomainError) as error:
        sign_up(app, workshop, data)
    assert error.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert get(workshop).confirmed_count == 0


def test_sign_ups_close_at_the_deadline_and_when_cancelled(app, ctx, staff, workshop):
    closing = get(workshop).signup_deadline_at
    with pytest.raises(Conflict):
        sign_up(app, workshop, 1, now=closing)
    services.cancel_workshop(db.session, get(workshop), actor=user(staff), reason="颱風停班停課")
    db.session.commit()
    with pytest.raises(Conflict):
        sign_up(app, workshop, 2)


def test_cancelling_a_seat_promotes_the_first_on_the_waitlist_and_tells_them(app, ctx, full_workshop):
    workshop_id, people = full_workshop
    promoted = services.cancel_registration(db.session, registration(people[1].id))
    db.session.commit()
    assert [p.id for p in promoted] == [people[3].id]
    assert registration(people[3].id).status == RegistrationStatus.confirmed
    assert registration(people[3].id).promoted_at is not None
    assert queries.waitlist_place(db.session, registration(people[4].id)) == 1
    [mail] = mails("workshops.promoted")
    assert mail.to_address == people[3].email and mail.context["online_url"]
    assert [m.to_address for m in mails("workshops.registration_cancelled")] == [people[1].email]
    with pytest.raises(Conflict):
        services.cancel_registration(db.session, registration(people[1].id))
    db.session.rollback()
    assert_counts_match_rows(workshop_id)


def test_leaving_the_waitlist_moves_the_others_up(app, ctx, full_workshop):
    workshop_id, people = full_workshop
    assert services.cancel_registration(db.session, registration(people[3].id)) == []
    db.session.commit()
    assert queries.waitlist_place(db.session, registration(people[4].id)) == 1
    assert get(workshop_id).waitlisted_count == 1
    assert_counts_match_rows(workshop_id)


def test_more_seats_go_to_the_waitlist_and_fewer_than_taken_is_refused(app, ctx, staff, full_workshop):
    workshop_id, people = full_workshop
    with pytest.raises(Conflict):
        services.update_workshop(db.session, get(workshop_id), workshop_input(capacity=2), actor=user(staff))
    db.session.rollback()
    promoted = services.update_workshop(db.session, get(workshop_id),
                                        workshop_input(capacity=4, starts_at=get(workshop_id).starts_at),
                                        actor=user(staff))
    db.session.commit()
    assert [p.id for p in promoted] == [people[3].id]
    assert (get(workshop_id).confirmed_count, get(workshop_id).waitlisted_count) == (4, 1)
    assert mails("workshops.changed") == []
    assert_counts_match_rows(workshop_id)


def test_a_new_time_tells_everyone_and_a_new_reminder_will_follow(app, ctx, staff, full_workshop):
    workshop_id, people = full_workshop
    later = get(workshop_id).starts_at + timedelta(days=1)
    services.update_workshop(db.session, get(workshop_id), workshop_input(starts_at=later), actor=user(staff))
    db.session.commit()
    assert sorted(m.to_address for m in mails("workshops.changed")) == sorted(p.email for p in people)
    assert get(workshop_id).starts_at == later


def test_only_the_holding_agencys_staff_manage_a_workshop(app, ctx, full_workshop, other_agency_staff, admin,
                                                         moderator, citizen):
    workshop_id, people = full_workshop
    for account in (other_agency_staff, admin, moderator, citizen):
        actor = user(account)
        with pytest.raises(PermissionDenied):
            services.update_workshop(db.session, get(workshop_id), workshop_input(), actor=actor)
        with pytest.raises(PermissionDenied):
            services.cancel_workshop(db.session, get(workshop_id), actor=actor, reason="越權")
        with pytest.raises(PermissionDenied):
            services.cancel_registration(db.session, registration(people[0].id), actor=actor)
        with pytest.raises(PermissionDenied):
            participants.message_participants(db.session, get(workshop_id), actor=actor, audience="all",
                                          subject="s", body="b")
        with pytest.raises(PermissionDenied):
            participants.record_attendance(db.session, get(workshop_id), set(), actor=actor)
        with pytest.raises(PermissionDenied):
            participants.record_export(db.session, get(workshop_id), actor=actor)
        db.session.rollback()
    assert_counts_match_rows(workshop_id)


def test_cancelling_the_workshop_tells_everyone_signed_up(app, ctx, staff, full_workshop):
    workshop_id, people = full_workshop
    services.cancel_registration(db.session, registration(people[0].id))
    db.session.commit()
    with pytest.raises(DomainError):
        services.cancel_workshop(db.session, get(workshop_id), actor=user(staff), reason=" ")
    told = services.cancel_workshop(db.session, get(workshop_id), actor=user(staff), reason="颱風停班停課")
    db.session.commit()
    assert told == 4
    notices = mails("workshops.cancelled")
    assert sorted(m.to_address for m in notices) == sorted(p.email for p in people[1:])
    assert all(m.context["reason"] == "颱風停班停課" for m in notices)
    with pytest.raises(Conflict):
        services.cancel_workshop(db.session, get(workshop_id), actor=user(staff), reason="again")


def test_attendance_is_taken_from_the_day_of_the_workshop_for_seated_people(app, ctx, staff, full_workshop):
    workshop_id, people = full_workshop
    with pytest.raises(Conflict):
        participants.record_attendance(db.session, get(workshop_id), {people[0].id}, actor=user(staff))
    db.session.rollback()
    # The workshop's own start is on its day whatever the hour; half an hour before it may be the day
    # before in Taipei (a start at 00:14 there).
    on_the_day = get(workshop_id).starts_at
    with pytest.raises(DomainError):
        participants.record_attendance(db.session, get(workshop_id), {people[3].id}, actor=user(staff), now=on_the_day)
    db.session.rollback()
    assert participants.record_attendance(db.session, get(workshop_id), {people[0].id, people[2].id},
                                      actor=user(staff), now=on_the_day) == (2, 2)
    db.session.commit()
    assert queries.count_registrations(db.session, workshop_id).attended == 2
    participants.record_attendance(db.session, get(workshop_id), {people[0].id}, actor=user(staff), now=on_the_day)
    db.session.commit()
    assert registration(people[2].id).status == RegistrationStatus.confirmed
    assert_counts_match_rows(workshop_id)


def test_messages_reach_the_chosen_group_through_the_outbox(app, ctx, staff, full_workshop):
    workshop_id, people = full_workshop
    with pytest.raises(DomainError):
        participants.message_participants(db.session, get(workshop_id), actor=user(staff), audience="all",
                                      subject="", body="內容")
    count = participants.message_participants(db.session, get(workshop_id), actor=user(staff), audience="waitlisted",
                                          subject="候補說明", body="目前候補兩位。")
    db.session.commit()
    assert count == 2
    assert [m.to_address for m in mails("workshops.messaged")] == [p.email for p in people[3:]]
    assert db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "workshop.messaged")) == {
        "audience": "waitlisted", "recipients": 2}


def test_reminders_go_once_to_seated_people_the_day_before(app, ctx, full_workshop):
    workshop_id, people = full_workshop
    starts = get(workshop_id).starts_at
    assert services.send_reminders(db.session, now=starts - timedelta(hours=25)) == 0
    assert services.send_reminders(db.session, now=starts - timedelta(hours=23)) == 3
    db.session.commit()
    assert services.send_reminders(db.session, now=starts - timedelta(hours=22)) == 0
    assert sorted(m.to_address for m in mails("workshops.reminded")) == sorted(p.email for p in people[:3])
    assert all(registration(p.id).reminded_at is not None for p in people[:3])


def test_the_purge_deletes_personal_data_after_retention_and_keeps_the_counts(app, ctx, staff, full_workshop):
    workshop_id, people = full_workshop
    ended = get(workshop_id).ends_at
    assert retention.purge_personal_data(db.session, now=ended + timedelta(days=179)).workshops == 0
    app.config["WORKSHOP_RETENTION_DAYS"] = 30
    try:
        report = retention.purge_personal_data(db.session, now=ended + timedelta(days=31))
    finally:
        del app.config["WORKSHOP_RETENTION_DAYS"]
    db.session.commit()
    assert (report.workshops, report.registrations) == (1, 5)
    rows = queries.list_registrations(db.session, workshop_id)
    assert all(r.name is None and r.email is None and r.phone is None and r.answers == [] for r in rows)
    assert queries.get_registration_by_token(db.session, people[0].token) is None
    workshop = get(workshop_id)
    assert (workshop.confirmed_count, workshop.waitlisted_count, workshop.purged_at is not None) == (3, 2, True)
    assert retention.purge_personal_data(db.session, now=ended + timedelta(days=400)).workshops == 0


def test_logs_and_the_audit_trail_name_ids_never_people(app, ctx, staff, workshop, caplog):
    caplog.set_level(logging.DEBUG)
    signed = sign_up(app, workshop, 7)
    services.cancel_registration(db.session, registration(signed.id))
    db.session.commit()
    retention.purge_personal_data(db.session, now=get(workshop).ends_at + timedelta(days=181))
    db.session.commit()
    details = " ".join(str(d) for d in db.session.scalars(select(AuditEntry.details)))
    for secret in ("person7@example.tw", "參加者7", "+886912345007", signed.token):
        assert secret not in caplog.text and secret not in details


class TestTheDemoSite(OnTheDemoSite):
    def test_the_demo_workshops_load_once_with_upcoming_and_past_ones(self, app, ctx, demo_site):
        from civic.demo import loader

        report = demo_site.report  # the first load's
        assert report.cases and report.workshops >= 4
        assert loader.load(db.session).workshops == 0
        now = utcnow()
        demo = list(db.session.scalars(select(Workshop).where(Workshop.is_demo.is_(True))))
        assert any(w.starts_at > now for w in demo) and any(w.ends_at < now for w in demo)
        assert all(w.case_id is not None for w in demo)
        for w in demo:
            assert_counts_match_rows(w.id)


def test_a_workshop_is_only_about_a_published_case(app, ctx, staff):
    slug = case_factories.apply(app, staff, slug="draft-case")
    with pytest.raises(DomainError) as error:
        hold(app, staff, case_slug=slug)
    assert error.value.field == "case"
