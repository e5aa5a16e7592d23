"""Feedback rules: routing, due dates, answers, forwarding, deadlines, moderation, follows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.cases import queries as case_queries
from civic.core import clock
from civic.core.audit import AuditEntry
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.permissions import SYSTEM
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.feedback import deadlines, moderation, queries, services, steps
from civic.feedback import figures as feedback_figures
from civic.feedback.models import Comment, CommentRevision, Feedback, FeedbackStatus
from civic.feedback.tracking import is_tracking_number, normalize
from civic.notifications.models import OutboxMessage
from tests.conftest import make_account
from tests.feedback.conftest import post


def user(account):
    return db.session.get(User, account.id)


def item_of(number):
    return queries.get_feedback(db.session, number)


def mails(event):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == event)).all()


def test_a_top_level_comment_becomes_an_item_routed_to_the_cases_agency(app, ctx, item, staff, citizen):
    feedback = item_of(item)
    assert is_tracking_number(feedback.tracking_number)
    assert feedback.agency.code == staff.agency_code
    assert feedback.status == FeedbackStatus.received
    # Due at the end of the 14th working day after the Taipei day it came in.
    assert clock.days_in(db.session, feedback.received_at, feedback.due_at) == feedback.agency.response_days == 14
    assert to_taipei(feedback.due_at).time() == clock.END_OF_DAY
    assert [m.to_address for m in mails("feedback.received")] == [citizen.email]
    assert staff.email in [m.to_address for m in mails("feedback.routed")]


def test_replies_join_the_thread_without_becoming_items(app, ctx, item, other_citizen, published_case):
    parent_id = item_of(item).comment_id
    reply_id, number = post(app, other_citizen, published_case, "我也想知道", parent_id=parent_id)
    assert number is None
    assert db.session.scalar(select(func.count(Feedback.id))) == 1
    with pytest.raises(DomainError):
        post(app, other_citizen, published_case, "回覆的回覆", parent_id=reply_id)


def test_tracking_numbers_are_unguessable_and_forgiving_to_type(app):
    from civic.feedback.tracking import new_tracking_number

    numbers = {new_tracking_number() for _ in range(200)}
    assert len(numbers) == 200 and all(is_tracking_number(n) for n in numbers)
    assert normalize("f 7k3m 9qxp") == "F-7K3M-9QXP"
    assert normalize("F-7K3M-9QXO") == "F-7K3M-9QX0"


def test_empty_overlong_and_duplicate_comments_are_refused(app, ctx, citizen, published_case):
    case = case_queries.get_case_with_parts(db.session, published_case)
    for body in ["  ", "字" * (steps.COMMENT_MAX_LENGTH + 1)]:
        with pytest.raises(DomainError):
            services.submit_comment(db.session, case, services.CommentInput(body=body), author=user(citizen))
    post(app, citizen, published_case, "同一段話")
    with pytest.raises(Conflict):
        post(app, citizen, published_case, "同一段話")


def test_unverified_or_suspended_people_cannot_comment(app, ctx, published_case):
    unverified = make_account(app, "new@example.tw", "citizen", verified=False)
    with pytest.raises(PermissionDenied):
        post(app, unverified, published_case)


def test_comments_on_unpublished_cases_are_refused(app, ctx, citizen, application):
    with pytest.raises(PermissionDenied):
        post(app, citizen, application)


def test_authors_edit_within_fifteen_minutes_and_the_history_is_kept(app, ctx, item, citizen, other_citizen):
    comment = item_of(item).comment
    with pytest.raises(PermissionDenied):
        services.edit_comment(db.session, comment, "改寫", actor=user(other_citizen))
    services.edit_comment(db.session, comment, "請問**工程**進度？", actor=user(citizen))
    db.session.commit()
    assert "<strong>工程</strong>" in db.session.get(Comment, comment.id).body_html
    assert db.session.scalar(select(CommentRevision.body_source)) == "請問工程進度？"
    comment = db.session.get(Comment, comment.id)
    comment.created_at = utcnow() - timedelta(minutes=16)
    with pytest.raises(PermissionDenied):
        services.edit_comment(db.session, comment, "太晚了", actor=user(citizen))


def test_deleting_withdraws_an_unanswered_item(app, ctx, item, citizen):
    comment = item_of(item).comment
    services.delete_comment(db.session, comment, actor=user(citizen))
    db.session.commit()
    feedback = item_of(item)
    assert feedback.status == FeedbackStatus.closed and feedback.comment.body_source == ""


def test_only_the_responsible_agencys_staff_handle_an_item(app, ctx, item, other_agency_staff, admin,
                                                        moderator, citizen):
    for account in (other_agency_staff, admin, moderator, citizen):
        with pytest.raises(PermissionDenied):
            services.publish_response(db.session, item_of(item), actor=user(account), body="答覆")
        with pytest.raises(PermissionDenied):
            services.assign(db.session, item_of(item), None, actor=user(account))
        with pytest.raises(PermissionDenied):
            services.add_note(db.session, item_of(item), "內部", actor=user(account))


def test_the_answer_is_published_once_and_tells_author_and_followers(app, ctx, item, staff, citizen,
                                                                     other_citizen, published_case):
    case = case_queries.get_case_with_parts(db.session, published_case)
    moderation.follow(db.session, user(other_citizen), case=case)
    db.session.commit()
    services.publish_response(db.session, item_of(item), actor=user(staff), body="預計明年完工。", unit="工務科")
    db.session.commit()
    feedback = item_of(item)
    assert feedback.status == FeedbackStatus.answered and feedback.response.unit == "工務科"
    assert [m.to_address for m in mails("feedback.answered")] == [citizen.email]
    assert [m.to_address for m in mails("feedback.followed_answer")] == [other_citizen.email]
    with pytest.raises(Conflict):
        services.publish_response(db.session, item_of(item), actor=user(staff), body="再答一次")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.answered"))


def test_assigning_needs_a_colleague_of_the_same_agency(app, ctx, item, staff, other_agency_staff):
    with pytest.raises(DomainError):
        services.assign(db.session, item_of(item), other_agency_staff.id, actor=user(staff))
    services.assign(db.session, item_of(item), staff.id, actor=user(staff))
    db.session.commit()
    assert item_of(item).status == FeedbackStatus.in_progress and item_of(item).assigned_to_id == staff.id


def test_status_changes_follow_the_allowed_steps(app, ctx, item, staff):
    with pytest.raises(Conflict):
        services.change_status(db.session, item_of(item), "closed", actor=user(staff))
    services.change_status(db.session, item_of(item), "in_progress", actor=user(staff))
    db.session.commit()
    assert mails("feedback.status_changed")


def test_forwarding_moves_the_item_and_restarts_the_clock(app, ctx, item, staff, other_agency_staff):
    from civic.agencies.queries import get_agency_by_code

    other = get_agency_by_code(db.session, other_agency_staff.agency_code)
    with pytest.raises(DomainError):
        services.forward(db.session, item_of(item), other, actor=user(staff), reason=" ")
    before = item_of(item).due_at
    services.forward(db.session, item_of(item), other, actor=user(staff), reason="屬於他機關權責")
    db.session.commit()
    feedback = item_of(item)
    assert feedback.agency.code == other.code and feedback.due_at >= before
    assert other_agency_staff.email in [m.to_address for m in mails("feedback.forwarded")]
    with pytest.raises(PermissionDenied):
        services.publish_response(db.session, item_of(item), actor=user(staff), body="x")
    services.publish_response(db.session, item_of(item), actor=user(other_agency_staff), body="由本機關答覆")


def test_deadlines_mark_overdue_remind_once_and_escalate_after_the_grace_period(app, ctx, item, staff):
    from civic.agencies.queries import get_agency_by_code
    from civic.agencies.services import create_agency

    agency = get_agency_by_code(db.session, staff.agency_code)
    agency.parent = create_agency(db.session, code="P00000001", name_zh="上級機關",
                                  contact_email="boss@gov.tw", actor=SYSTEM)
    db.session.commit()
    due = item_of(item).due_at
    assert deadlines.check_deadlines(db.session, now=due - timedelta(hours=1)).overdue == 0
    report = deadlines.check_deadlines(db.session, now=due + timedelta(hours=1))
    db.session.commit()
    assert (report.overdue, report.escalated) == (1, 0)
    assert staff.email in [m.to_address for m in mails("feedback.overdue")]
    assert deadlines.check_deadlines(db.session, now=due + timedelta(days=2)).overdue == 0
    report = deadlines.check_deadlines(db.session, now=due + timedelta(days=8))
    db.session.commit()
    assert report.escalated == 1
    assert [m.to_address for m in mails("feedback.escalated")] == ["boss@gov.tw"]
    assert deadlines.check_deadlines(db.session, now=due + timedelta(days=9)).escalated == 0


def test_figures_count_received_answered_on_time_and_overdue(app, ctx, citizen, staff, published_case):
    numbers = [post(app, citizen, published_case, f"問題 {i}")[1] for i in range(3)]
    services.publish_response(db.session, item_of(numbers[0]), actor=user(staff), body="答")
    late = item_of(numbers[1])
    late.due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    services.publish_response(db.session, item_of(numbers[1]), actor=user(staff), body="遲到的答覆")
    item_of(numbers[2]).due_at = utcnow() - timedelta(days=1)
    db.session.commit()
    agency_id = item_of(numbers[0]).agency_id
    figures = feedback_figures.agency_figures_in_detail(db.session, agency_id, utcnow())
    assert (figures.received, figures.answered, figures.answered_on_time, figures.overdue_now) == (3, 2, 1, 1)
    assert figures.median_days is not None and figures.months[-1].received == 3


def test_reports_hide_restore_and_suspend(app, ctx, item, citizen, other_citizen, moderator, staff):
    comment = item_of(item).comment
    with pytest.raises(PermissionDenied):
        moderation.report_comment(db.session, comment, reporter=user(citizen), reason="自己檢舉自己")
    moderation.report_comment(db.session, comment, reporter=user(other_citizen), reason="人身攻擊")
    with pytest.raises(Conflict):
        moderation.report_comment(db.session, comment, reporter=user(other_citizen), reason="再一次")
    with pytest.raises(PermissionDenied):
        moderation.hide_comment(db.session, comment, actor=user(other_citizen), reason="abuse")
    moderation.hide_comment(db.session, comment, actor=user(moderator), reason="abuse")
    db.session.commit()
    assert queries.count_open_reports(db.session) == 0 and item_of(item).comment.is_hidden
    moderation.restore_comment(db.session, item_of(item).comment, actor=user(moderator), reason="經複查並無人身攻擊")
    with pytest.raises(PermissionDenied):
        moderation.suspend_author(db.session, user(staff), actor=user(moderator), reason="x")
    moderation.suspend_author(db.session, user(citizen), actor=user(moderator), reason="濫用")
    db.session.commit()
    assert user(citizen).suspended_at is not None


def test_following_twice_is_one_subscription_and_the_token_unsubscribes(app, ctx, citizen, published_case):
    case = case_queries.get_case_with_parts(db.session, published_case)
    first = moderation.follow(db.session, user(citizen), case=case)
    assert moderation.follow(db.session, user(citizen), case=case).id == first.id
    token = first.unsubscribe_token
    moderation.unfollow(db.session, queries.get_subscription_by_token(db.session, token))
    db.session.commit()
    assert queries.get_subscription_by_token(db.session, token) is None
