"""Digests as the run makes them: grouped per case, on Taipei's mornings, once per period, none when
nothing happened, made up after a missed run, in a fixed number of queries; and the per-answer mail
of followers who chose to hear at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.core.errors import DomainError, PermissionDenied
from civic.core.roles import Role
from civic.digests import services as digest_services
from civic.digests.schedule import last_send_time
from civic.extensions import db
from civic.feedback import moderation
from civic.feedback.models import Comment, Subscription, SubscriptionFrequency
from civic.notifications.models import Event, EventName
from tests.conftest import make_account
from tests.digests.conftest import (
    answer,
    comment,
    digests_to,
    follow,
    go_overdue,
    mails_to,
    send,
    taipei,
)
from tests.workshops.conftest import hold

DAILY, WEEKLY = SubscriptionFrequency.daily, SubscriptionFrequency.weekly


def cases_of(context: dict) -> dict[str, dict]:
    return {case["slug"]: case for case in context["cases"]}


# When digests go out


@pytest.mark.parametrize(("now", "frequency", "expected"), [
    # 07:00 in Taipei is 23:00 UTC the day before.
    (taipei(5, 6, 59), DAILY, datetime(2025, 3, 3, 23, 0, tzinfo=UTC)),
    (taipei(5, 7, 0), DAILY, datetime(2025, 3, 4, 23, 0, tzinfo=UTC)),
    (taipei(5, 23, 30), DAILY, datetime(2025, 3, 4, 23, 0, tzinfo=UTC)),
    # Just after midnight in Taipei it is still the day before in UTC: the digest is yesterday's.
    (taipei(5, 0, 30), DAILY, datetime(2025, 3, 3, 23, 0, tzinfo=UTC)),
    (taipei(5, 12, 0), WEEKLY, datetime(2025, 3, 2, 23, 0, tzinfo=UTC)),
    (taipei(3, 6, 59), WEEKLY, datetime(2025, 2, 23, 23, 0, tzinfo=UTC)),
    (taipei(3, 7, 0), WEEKLY, datetime(2025, 3, 2, 23, 0, tzinfo=UTC)),
    (taipei(9, 23, 59), WEEKLY, datetime(2025, 3, 2, 23, 0, tzinfo=UTC)),
])
def test_digests_go_out_at_seven_in_the_morning_taipei_time_and_weekly_ones_on_monday(now, frequency, expected):
    assert last_send_time(frequency, now) == expected
    assert last_send_time(frequency, now.astimezone(UTC)) == expected


# What a digest holds


def test_a_digest_groups_what_happened_per_case_and_a_case_followed_both_ways_appears_once(
        app, reader, citizen, other_citizen, staff, published_case, second_case, other_agency_case):
    case_subscription = follow(app, reader, taipei(3, 8), slug=published_case)
    follow(app, reader, taipei(3, 8), agency_code="A00000001")
    _, number = comment(app, citizen, published_case, taipei(4, 9))
    reply_id, _ = comment(app, other_citizen, published_case, taipei(4, 9, 30), parent_id=_comment_id(app, number))
    _, depot_number = comment(app, other_citizen, second_case, taipei(4, 10))
    comment(app, citizen, other_agency_case, taipei(4, 10))
    comment(app, reader, published_case, taipei(4, 11), "我自己的問題")
    answer(app, staff, number, taipei(4, 15))

    report = send(app, taipei(5, 7))

    assert report.sent == 1
    [digest] = digests_to(app, reader.email)
    assert [case["slug"] for case in digest["cases"]] == [published_case, second_case]
    wanda, depot = digest["cases"]
    assert wanda["answers"] == [{"tracking_number": number}]
    # The reader's own comment is no news to them; a reply carries its thread's tracking number.
    assert wanda["comments"] == [{"comment_id": _comment_id(app, number), "tracking_number": number},
                                 {"comment_id": reply_id, "tracking_number": number}]
    with app.app_context():
        token = db.session.get(Subscription, case_subscription).unsubscribe_token
    assert wanda["unsubscribe_token"] == token and wanda["agency"] is None
    assert depot["comments"] == [{"comment_id": _comment_id(app, depot_number), "tracking_number": depot_number}]
    assert depot["unsubscribe_token"] is None and depot["agency"]["code"] == "A00000001"
    assert [agency["code"] for agency in digest["agencies"]] == ["A00000001"]
    assert digest["because"] == "following_case"
    assert digest["frequency"] == "daily"
    assert digest["since"] == taipei(3, 8).astimezone(UTC).isoformat()
    assert digest["until"] == taipei(5, 6, 50).astimezone(UTC).isoformat()


def _comment_id(app, number: str) -> int:
    with app.app_context():
        from civic.feedback import queries

        return queries.get_feedback(db.session, number).comment_id


def test_an_agency_follow_alone_tells_of_the_agencys_cases_and_says_so(
        app, reader, citizen, published_case, second_case, other_agency_case):
    follow(app, reader, taipei(3, 8), agency_code="A00000001", frequency="weekly")
    comment(app, citizen, second_case, taipei(5, 9))
    comment(app, citizen, other_agency_case, taipei(5, 9))

    send(app, taipei(10, 7))

    [digest] = digests_to(app, reader.email)
    assert list(cases_of(digest)) == [second_case]
    assert digest["because"] == "following_agency"
    assert digest["frequency"] == "weekly"


def test_items_gone_overdue_and_the_deadlines_and_sign_ups_of_the_next_period_are_in_the_digest(
        app, reader, citizen, other_citizen, staff, published_case):
    follow(app, reader, taipei(3, 8), slug=published_case, frequency="weekly")
    _, late = comment(app, citizen, published_case, taipei(3, 9))
    late_due = _due(app, late)
    go_overdue(app, late_due + timedelta(hours=1))
    _, soon = comment(app, other_citizen, published_case, late_due + timedelta(hours=2))
    soon_due = _due(app, soon)
    # The weekly digest sent on the Monday of the week the second item is due.
    monday = last_send_time(WEEKLY, soon_due)
    assert monday > late_due + timedelta(hours=2)
    workshop = hold(app, staff, title="萬大線說明會", case_slug=published_case,
                    starts_at=monday + timedelta(days=3), signup_deadline_at=monday + timedelta(days=2),
                    now=monday - timedelta(days=3))
    hold(app, staff, title="下個月的說明會", case_slug=published_case, starts_at=monday + timedelta(days=30),
         signup_deadline_at=monday + timedelta(days=20), now=monday - timedelta(days=3))

    send(app, monday + timedelta(hours=1))

    [digest] = digests_to(app, reader.email)
    news = cases_of(digest)[published_case]
    assert news["overdue"] == [{"tracking_number": late}]
    assert news["deadlines"] == [{"tracking_number": soon, "due_at": soon_due.isoformat()}]
    assert news["workshops"] == [{"id": workshop, "title": "萬大線說明會",
                                  "signup_deadline_at": (monday + timedelta(days=2)).isoformat()}]


def test_coming_deadlines_alone_are_no_news(app, reader, citizen, published_case):
    _, number = comment(app, citizen, published_case, taipei(3, 9))
    follow(app, reader, taipei(3, 10), slug=published_case, frequency="weekly")

    report = send(app, last_send_time(WEEKLY, _due(app, number)) + timedelta(hours=1))

    assert (report.sent, report.quiet) == (0, 1)


def _due(app, number: str) -> datetime:
    with app.app_context():
        from civic.feedback import queries

        return queries.get_feedback(db.session, number).due_at


def _case_id(app, slug: str) -> int:
    with app.app_context():
        from civic.cases import queries

        return queries.get_case_by_slug(db.session, slug).id


def test_a_comment_hidden_before_the_digest_is_left_out(app, reader, citizen, moderator, published_case):
    follow(app, reader, taipei(3, 8), slug=published_case)
    comment_id, _ = comment(app, citizen, published_case, taipei(4, 9))
    with app.test_request_context():
        moderation.hide_comment(db.session, db.session.get(Comment, comment_id),
                                actor=db.session.get(User, moderator.id), reason="spam")
        db.session.commit()

    report = send(app, taipei(5, 7))

    assert digests_to(app, reader.email) == []
    assert report.quiet == 1


# When a digest is sent, and when not


def test_nothing_happened_no_mail_but_the_period_counts_as_done(app, reader, published_case):
    subscription = follow(app, reader, taipei(3, 8), slug=published_case)

    report = send(app, taipei(4, 7))

    assert (report.sent, report.quiet) == (0, 1)
    assert digests_to(app, reader.email) == []
    with app.app_context():
        assert db.session.get(Subscription, subscription).digested_until == taipei(4, 6, 50).astimezone(UTC)


def test_daily_and_weekly_digests_cut_the_days_at_seven_in_the_morning_taipei_time(
        app, reader, other_citizen, citizen, published_case):
    follow(app, reader, taipei(3, 8), slug=published_case, frequency="daily")
    follow(app, other_citizen, taipei(3, 8), slug=published_case, frequency="weekly")
    # Tuesday 06:49 in Taipei belongs to Tuesday morning's digest; from 06:50 (SETTLE before the send
    # time, when a change may still be committing) to Wednesday's.
    _, early = comment(app, citizen, published_case, taipei(4, 6, 49))
    _, late = comment(app, citizen, published_case, taipei(4, 6, 50))

    send(app, taipei(4, 7, 0))
    send(app, taipei(5, 7, 0))
    send(app, taipei(9, 23, 59))

    tuesday, wednesday = digests_to(app, reader.email)
    assert [item["tracking_number"] for item in tuesday["cases"][0]["comments"]] == [early]
    assert [item["tracking_number"] for item in wednesday["cases"][0]["comments"]] == [late]
    # The weekly reader waits for Monday 07:00, and gets the whole week at once.
    assert digests_to(app, other_citizen.email) == []
    send(app, taipei(10, 7, 0))
    [week] = digests_to(app, other_citizen.email)
    assert [item["tracking_number"] for item in week["cases"][0]["comments"]] == [early, late]


def test_running_again_sends_nothing_twice(app, reader, citizen, published_case):
    follow(app, reader, taipei(3, 8), slug=published_case)
    comment(app, citizen, published_case, taipei(4, 9))

    first = send(app, taipei(5, 7, 0))
    again = send(app, taipei(5, 7, 0))
    later = send(app, taipei(5, 18, 0))

    assert (first.sent, again.sent, again.quiet, later.sent) == (1, 0, 0, 0)
    assert len(digests_to(app, reader.email)) == 1


def test_a_missed_run_is_made_up_by_the_next_with_every_event_since(app, reader, citizen, published_case):
    follow(app, reader, taipei(3, 8), slug=published_case)
    send(app, taipei(4, 7))  # the last run before the machine was down
    numbers = [comment(app, citizen, published_case, taipei(day, 12))[1] for day in (4, 5, 6)]

    send(app, taipei(7, 9, 30))
    send(app, taipei(8, 7))

    [digest] = digests_to(app, reader.email)
    assert [item["tracking_number"] for item in digest["cases"][0]["comments"]] == numbers
    assert digest["since"] == taipei(4, 6, 50).astimezone(UTC).isoformat()
    assert digest["until"] == taipei(7, 6, 50).astimezone(UTC).isoformat()


def test_an_event_written_before_the_send_time_but_committed_after_it_is_in_the_next_digest(
        app, reader, citizen, published_case):
    follow(app, reader, taipei(3, 8), slug=published_case)
    _, settled = comment(app, citizen, published_case, taipei(4, 6, 45))

    first = send(app, taipei(4, 7, 0))
    # Stamped 06:55, when it was written, but committed only after the 07:00 run had read the log.
    _, late = comment(app, citizen, published_case, taipei(4, 6, 55))
    send(app, taipei(5, 7, 0))

    assert first.sent == 1
    tuesday, wednesday = digests_to(app, reader.email)
    assert [item["tracking_number"] for item in tuesday["cases"][0]["comments"]] == [settled]
    assert [item["tracking_number"] for item in wednesday["cases"][0]["comments"]] == [late]
    assert wednesday["since"] == tuesday["until"] == taipei(4, 6, 50).astimezone(UTC).isoformat()


def test_a_digest_chosen_now_starts_now(app, reader, citizen, published_case):
    comment(app, citizen, published_case, taipei(4, 9))
    follow(app, reader, taipei(4, 10), slug=published_case)
    _, after = comment(app, citizen, published_case, taipei(4, 11))

    send(app, taipei(5, 7))

    [digest] = digests_to(app, reader.email)
    assert [item["tracking_number"] for item in digest["cases"][0]["comments"]] == [after]


def test_followers_who_hear_at_once_still_get_each_answer_and_digest_readers_do_not(
        app, reader, other_citizen, citizen, staff, published_case):
    follow(app, reader, taipei(3, 8), slug=published_case, frequency="daily")
    follow(app, other_citizen, taipei(3, 8), slug=published_case, frequency="immediate")
    _, number = comment(app, citizen, published_case, taipei(4, 9))

    answer(app, staff, number, taipei(4, 15))

    assert mails_to(app, other_citizen.email, "feedback.followed_answer") == 1
    assert mails_to(app, reader.email, "feedback.followed_answer") == 0
    send(app, taipei(5, 7))
    assert digests_to(app, other_citizen.email) == []
    [digest] = digests_to(app, reader.email)
    assert digest["cases"][0]["answers"] == [{"tracking_number": number}]


def test_people_who_can_no_longer_be_mailed_get_no_digest(app, reader, citizen, moderator, published_case):
    follow(app, reader, taipei(3, 8), slug=published_case)
    comment(app, citizen, published_case, taipei(4, 9))
    with app.test_request_context():
        moderation.suspend_author(db.session, db.session.get(User, reader.id),
                                  actor=db.session.get(User, moderator.id), reason="濫用")
        db.session.commit()

    send(app, taipei(5, 7))

    assert digests_to(app, reader.email) == []


def test_building_digests_takes_the_same_queries_for_three_followers_as_for_thirty(
        app, citizen, staff, published_case, second_case, count_queries):
    def run(day: int, followers: int) -> tuple[int, digest_services.DigestReport]:
        for index in range(followers):
            account = make_account(app, f"reader-{day}-{index}@example.tw", Role.citizen)
            follow(app, account, taipei(day - 1, 8), slug=published_case if index % 2 else second_case)
            follow(app, account, taipei(day - 1, 8), agency_code="A00000001")
        _, number = comment(app, citizen, published_case, taipei(day - 1, 9))
        comment(app, citizen, second_case, taipei(day - 1, 9))
        answer(app, staff, number, taipei(day - 1, 10))
        with time_machine.travel(taipei(day, 7), tick=False), app.test_request_context(), \
                count_queries() as statements:
            report = digest_services.send_due_digests(db.session)
            db.session.commit()
        mails = [statement for statement in statements if statement.startswith("INSERT INTO outbox_messages")]
        # One row per mail: PostgreSQL writes them in one statement, SQLite in one each.
        assert 1 <= len(mails) <= report.sent
        return len(statements) - len(mails), report

    few, few_report = run(11, 3)
    # The three of the first run are due again, with the thirty new ones.
    many, many_report = run(13, 30)
    assert (few_report.sent, many_report.sent) == (3, 33)
    # Reading and claiming take the same statements however many people are due.
    assert few == many


# Choosing how to hear


def test_only_the_follower_chooses_how_they_hear_and_only_among_the_offered_ways(
        app, reader, other_citizen, published_case):
    subscription_id = follow(app, reader, taipei(3, 8), slug=published_case, frequency="immediate")
    with app.test_request_context():
        subscription = db.session.get(Subscription, subscription_id)
        with pytest.raises(PermissionDenied):
            digest_services.choose_frequency(db.session, subscription, "daily",
                                             actor=db.session.get(User, other_citizen.id))
        with pytest.raises(DomainError):
            digest_services.choose_frequency(db.session, subscription, "hourly",
                                             actor=db.session.get(User, reader.id))
        assert subscription.frequency == "immediate" and subscription.digested_until is None


def test_moving_between_daily_and_weekly_keeps_what_waits(app, reader, citizen, published_case):
    subscription_id = follow(app, reader, taipei(3, 8), slug=published_case, frequency="daily")
    _, number = comment(app, citizen, published_case, taipei(3, 9))
    with time_machine.travel(taipei(3, 10), tick=False), app.test_request_context():
        digest_services.choose_frequency(db.session, db.session.get(Subscription, subscription_id), "weekly",
                                         actor=db.session.get(User, reader.id))
        db.session.commit()

    send(app, taipei(10, 7))

    [digest] = digests_to(app, reader.email)
    assert [item["tracking_number"] for item in digest["cases"][0]["comments"]] == [number]


# The public event of a comment


def test_a_posted_comment_is_a_public_event_with_the_pages_data_and_no_author(app, citizen, other_citizen,
                                                                                published_case):
    comment_id, number = comment(app, citizen, published_case, taipei(4, 9))
    reply_id, _ = comment(app, other_citizen, published_case, taipei(4, 10), parent_id=comment_id)
    with app.app_context():
        found = db.session.scalars(select(Event).where(Event.name == EventName.comment_posted)
                                   .order_by(Event.id)).all()
        case_id = _case_id(app, published_case)
    assert [(event.case_id, event.occurred_at) for event in found] == [
        (case_id, taipei(4, 9).astimezone(UTC)), (case_id, taipei(4, 10).astimezone(UTC))]
    first, reply = (event.payload for event in found)
    assert first == {
        "comment_id": comment_id, "slug": published_case, "agency": "A00000001", "reply_to": None,
        "tracking_number": number,
        "case": {"slug": published_case, "title": "臺北捷運萬大線", "title_en": "Taipei MRT Wanda Line",
                 "agency": "A00000001", "url": f"http://civic.test/cases/{published_case}",
                 "api_url": f"http://civic.test/api/v1/cases/{published_case}"},
        "posted_at": "2025-03-04T09:00:00+08:00",
        "url": f"http://civic.test/cases/{published_case}#comment-{comment_id}",
        "api_url": f"http://civic.test/api/v1/feedback/{number}"}
    # A reply is told with its thread's item: its tracking number, and the agency that answers it.
    assert reply["reply_to"] == comment_id and reply["tracking_number"] == number
    assert reply["api_url"] == f"http://civic.test/api/v1/feedback/{number}" and reply["agency"] == "A00000001"
    assert reply["url"] == f"http://civic.test/cases/{published_case}#comment-{reply_id}"
    text = repr(first) + repr(reply)
    assert "citizen" not in text and "neighbour" not in text


def test_a_refused_comment_leaves_no_event(app, citizen, published_case):
    comment(app, citizen, published_case, taipei(4, 9), "同樣的問題")
    with pytest.raises(DomainError):
        comment(app, citizen, published_case, taipei(4, 9, 1), "同樣的問題")
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id)).where(Event.name == EventName.comment_posted)) == 1


def test_subscriptions_of_before_digests_hear_at_once(app, reader, published_case):
    with app.test_request_context():
        from civic.cases import queries

        subscription = moderation.follow(db.session, db.session.get(User, reader.id),
                                         case=queries.get_case_with_parts(db.session, published_case))
        db.session.commit()
        assert subscription.frequency == "immediate" and subscription.digested_until is None



def test_the_command_sends_what_is_due_and_nothing_again(app, reader, citizen, published_case):
    follow(app, reader, taipei(3, 8), slug=published_case)
    comment(app, citizen, published_case, taipei(4, 9))
    runner = app.test_cli_runner()

    with time_machine.travel(taipei(5, 7, 5), tick=False):
        first = runner.invoke(args=["digests", "send"])
        again = runner.invoke(args=["digests", "send"])

    assert first.exit_code == 0 and "digests: sent 1, nothing to tell 0" in first.output
    assert again.exit_code == 0 and "digests: sent 0, nothing to tell 0" in again.output
    assert len(digests_to(app, reader.email)) == 1


def test_the_mail_worker_sends_the_digests_that_are_due_too(app, reader, citizen, published_case, mailbox):
    follow(app, reader, taipei(3, 8), slug=published_case)
    comment(app, citizen, published_case, taipei(4, 9))
    runner = app.test_cli_runner()

    with time_machine.travel(taipei(5, 7, 5), tick=False):
        first = runner.invoke(args=["mail", "send"])
        second = runner.invoke(args=["mail", "send"])

    assert first.exit_code == 0 and "digests: sent 1, nothing to tell 0" in first.output
    # The digest written by one pass is mailed by the next, and is not written again.
    assert second.exit_code == 0 and "digests: sent 0, nothing to tell 0" in second.output
    assert len(digests_to(app, reader.email)) == 1
    [mail] = mailbox.to(reader.email)
    assert "每日摘要" in mail["Subject"]


def test_an_agency_follow_tells_of_the_answers_the_agency_gives_on_items_forwarded_to_it(
        app, reader, citizen, staff, other_agency_staff, published_case):
    follow(app, reader, taipei(3, 8), agency_code="B00000002")
    _, number = comment(app, citizen, published_case, taipei(4, 9))
    with time_machine.travel(taipei(4, 10), tick=False), app.test_request_context():
        from civic.agencies.queries import get_agency_by_code
        from civic.feedback import queries, services

        services.forward(db.session, queries.get_feedback(db.session, number),
                         get_agency_by_code(db.session, "B00000002"), actor=db.session.get(User, staff.id),
                         reason="屬於環狀線的工程")
        db.session.commit()
    answer(app, other_agency_staff, number, taipei(4, 15))

    send(app, taipei(5, 7))

    [digest] = digests_to(app, reader.email)
    # The comment was about agency A's case and is not agency B's news; B's answer is.
    assert [(case["slug"], case["answers"], case["comments"]) for case in digest["cases"]] == [
        (published_case, [{"tracking_number": number}], [])]
    assert digest["cases"][0]["agency"]["code"] == "B00000002"
