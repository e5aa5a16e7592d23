"""Digest fixtures: followers who chose a digest, comments, answers and overdue items made through
the services at frozen times, and the digest run as cron runs it."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from civic.accounts.models import User
from civic.agencies.queries import get_agency_by_code
from civic.cases import queries as case_queries
from civic.core.roles import Role
from civic.core.time import TAIPEI
from civic.digests import services as digest_services
from civic.extensions import db
from civic.feedback import deadlines, moderation, queries, services
from civic.notifications.models import OutboxMessage
from tests.conftest import make_account
from tests.feedback.conftest import post

# A week in March 2025 in Taipei: Monday the 3rd to Sunday the 9th.
MONDAY = datetime(2025, 3, 3, tzinfo=TAIPEI)


def taipei(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2025, in Taipei time."""
    return datetime(2025, 3, day, hour, minute, tzinfo=TAIPEI)


def follow(app, account, at: datetime, *, slug: str | None = None, agency_code: str | None = None,
           frequency: str = "daily") -> int:
    """``account`` follows a case or an agency at ``at`` and chooses ``frequency``; the subscription's id."""
    with time_machine.travel(at, tick=False), app.test_request_context():
        user = db.session.get(User, account.id)
        target = ({"case": case_queries.get_case_with_parts(db.session, slug)} if slug
                  else {"agency": get_agency_by_code(db.session, agency_code)})
        subscription = moderation.follow(db.session, user, **target)
        digest_services.choose_frequency(db.session, subscription, frequency, actor=user)
        db.session.commit()
        return subscription.id


def comment(app, account, slug: str, at: datetime, body: str | None = None, **extra) -> tuple[int, str | None]:
    """A comment posted through the service at ``at``: its id and tracking number (None for a reply)."""
    with time_machine.travel(at, tick=False):
        return post(app, account, slug, body or f"請問 {at.isoformat()} 的進度？", **extra)


def answer(app, staff_account, number: str, at: datetime) -> None:
    """The agency's answer, published through the service at ``at`` (which writes its public event)."""
    with time_machine.travel(at, tick=False), app.test_request_context():
        services.publish_response(db.session, queries.get_feedback(db.session, number),
                                  actor=db.session.get(User, staff_account.id), body="已於三月完成。")
        db.session.commit()


def go_overdue(app, at: datetime) -> None:
    """The deadline check as cron runs it at ``at`` (which writes the event of each item gone overdue)."""
    with time_machine.travel(at, tick=False), app.test_request_context():
        deadlines.check_deadlines(db.session)
        db.session.commit()


def send(app, at: datetime) -> digest_services.DigestReport:
    """The digest run as cron runs it at ``at``."""
    with time_machine.travel(at, tick=False), app.test_request_context():
        report = digest_services.send_due_digests(db.session)
        db.session.commit()
        return report


def digests_to(app, email: str) -> list[dict]:
    """The contexts of the digests in the outbox for ``email``, oldest first."""
    with app.app_context():
        return [message.context for message in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "digests.digest", OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id))]


def mails_to(app, email: str, event: str) -> int:
    with app.app_context():
        return len(db.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.event == event, OutboxMessage.to_address == email)).all())


@pytest.fixture
def reader(app):
    """Someone who follows cases and reads digests in Chinese."""
    return make_account(app, "reader@example.tw", Role.citizen)


@pytest.fixture
def second_case(app, staff, admin, published_case) -> str:
    """Another published case of the same agency as ``published_case``."""
    from tests.cases import factories

    slug = factories.apply(app, staff, slug="wanda-depot", title_zh="萬大線機廠", title_en="Wanda Line Depot")
    factories.publish(app, admin, slug)
    return slug


@pytest.fixture
def other_agency_case(app, other_agency_staff, admin) -> str:
    """A published case of another agency."""
    from tests.cases import factories

    slug = factories.apply(app, other_agency_staff, slug="circular-line", title_zh="環狀線", title_en="Circular Line")
    factories.publish(app, admin, slug)
    return slug
