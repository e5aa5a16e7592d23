"""Commitment fixtures: commitments, targets and milestones made through the services, and cases
chosen as best practice the way the authority chooses them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from civic.accounts.models import User
from civic.cases import queries as case_queries
from civic.cases import services as case_services
from civic.commitments import queries, services
from civic.commitments.models import Commitment
from civic.extensions import db
from tests.cases import factories
from tests.support import login

# The commitment the migration creates on every site.
PLAN = "best-practice-platforms"


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    login(client, admin)
    return client


def set_targets(app, admin_account, code: str = PLAN, **targets: int) -> None:
    """Set targets as ``y2026=4``."""
    with app.test_request_context():
        actor = db.session.get(User, admin_account.id)
        commitment = queries.get_commitment_by_code(db.session, code)
        for key, value in targets.items():
            services.set_target(db.session, commitment, year=int(key.removeprefix("y")), target=value, actor=actor)
        db.session.commit()


def add_milestone(app, admin_account, title_zh: str, due_on: date, done_on: date | None = None,
                  code: str = PLAN, title_en: str = "") -> int:
    with app.test_request_context():
        commitment = queries.get_commitment_by_code(db.session, code)
        milestone = services.add_milestone(
            db.session, commitment, services.MilestoneInput(title_zh=title_zh, title_en=title_en, due_on=due_on,
                                                            done_on=done_on),
            actor=db.session.get(User, admin_account.id))
        db.session.commit()
        return milestone.id


def create_commitment(app, admin_account, code: str, measure: str, title_zh: str = "承諾") -> None:
    with app.test_request_context():
        services.create_commitment(db.session, code, measure, services.CommitmentInput(title_zh=title_zh),
                                   actor=db.session.get(User, admin_account.id))
        db.session.commit()


def published(app, staff_account, admin_account, slug: str, **overrides) -> str:
    factories.apply(app, staff_account, slug=slug, **overrides)
    factories.publish(app, admin_account, slug)
    return slug


def feature(app, admin_account, slug: str, is_best: bool = True) -> None:
    """Choose (or unchoose) a case as best practice, as the authority does."""
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, slug)
        case_services.set_best_practice(db.session, case, actor=db.session.get(User, admin_account.id),
                                        is_best=is_best, reason_zh="公開透明的典範" if is_best else "不再適用",
                                        reason_en="")
        db.session.commit()


def commitment(app, code: str = PLAN) -> Commitment:
    with app.app_context():
        found = db.session.scalar(select(Commitment).where(Commitment.code == code))
        db.session.expunge_all()
        return found
