"""Progress against the action plan's targets, computed from the data: best-practice cases by the
year the authority chose them, published platforms, and feedback answered on time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from civic.accounts.models import User
from civic.commitments import queries
from civic.core.time import TAIPEI
from civic.extensions import db
from civic.feedback import queries as feedback_queries
from civic.feedback import services as feedback_services
from tests.cases import factories
from tests.commitments.conftest import PLAN, create_commitment, feature, published, set_targets
from tests.feedback.conftest import post


def progress_of(app, code: str = PLAN, now: datetime | None = None) -> queries.CommitmentProgress:
    with app.app_context():
        items = queries.list_progress(db.session, now or datetime.now(UTC))
        return next(item for item in items if item.commitment.code == code)


def years(item: queries.CommitmentProgress) -> dict[int, tuple[int | None, int | None, bool | None]]:
    return {year.year: (year.target, year.actual, year.met) for year in item.years}


def test_the_action_plan_commitment_exists_on_a_fresh_site(app):
    item = progress_of(app)
    assert item.commitment.title_zh == "機關採購廉政平臺優良案例"
    assert item.commitment.measure == "best_practice_cases"


def test_best_practice_cases_count_in_the_year_they_were_chosen_against_the_target(app, staff, admin):
    set_targets(app, admin, y2025=1, y2026=3)
    with time_machine.travel(datetime(2025, 3, 1, tzinfo=TAIPEI), tick=False):
        for slug in ("case-a", "case-b", "case-c", "case-d"):
            published(app, staff, admin, slug)
    with time_machine.travel(datetime(2025, 12, 31, 23, 30, tzinfo=TAIPEI), tick=False):
        feature(app, admin, "case-a")
    with time_machine.travel(datetime(2026, 1, 1, 0, 30, tzinfo=TAIPEI), tick=False):
        feature(app, admin, "case-b")
        feature(app, admin, "case-c")
    now = datetime(2026, 6, 1, tzinfo=TAIPEI)
    item = progress_of(app, now=now)
    # Taipei years: 23:30 on 31 December is still 2025, half past midnight is 2026.
    assert years(item) == {2025: (1, 1, True), 2026: (3, 2, False)}
    assert item.current.year == 2026 and item.current.percent_of_target == 67

    with time_machine.travel(datetime(2026, 5, 1, tzinfo=TAIPEI), tick=False):
        feature(app, admin, "case-d")
        # A case chosen and then unchosen no longer counts.
        feature(app, admin, "case-a", is_best=False)
    item = progress_of(app, now=now)
    assert years(item) == {2025: (1, 0, False), 2026: (3, 3, True)}
    assert item.current.percent_of_target == 100


def test_the_current_year_is_shown_even_without_a_target(app, staff, admin):
    set_targets(app, admin, y2024=3)
    item = progress_of(app, now=datetime(2026, 3, 1, tzinfo=TAIPEI))
    assert years(item) == {2024: (3, 0, False), 2026: (None, 0, None)}
    assert [year.year for year in item.targets] == [2024]


def test_platforms_count_published_cases_by_their_year(app, staff, admin):
    create_commitment(app, admin, "more-platforms", "platforms")
    set_targets(app, admin, "more-platforms", y2019=2, y2023=1)
    published(app, staff, admin, "old-line", platform_established_on=date(2019, 5, 1))
    published(app, staff, admin, "other-line", platform_established_on=date(2019, 8, 1))
    published(app, staff, admin, "new-line", platform_established_on=date(2023, 1, 9))
    factories.apply(app, staff, slug="never-published", platform_established_on=date(2023, 2, 1))
    item = progress_of(app, "more-platforms", now=datetime(2026, 3, 1, tzinfo=TAIPEI))
    assert years(item) == {2019: (2, 2, True), 2023: (1, 1, True), 2026: (None, 0, None)}


def test_the_on_time_share_counts_answers_by_their_deadline(app, staff, admin, citizen, published_case):
    create_commitment(app, admin, "answer-on-time", "answered_on_time_share")
    set_targets(app, admin, "answer-on-time", y2026=80)
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=TAIPEI), tick=False):
        numbers = [post(app, citizen, published_case, body=f"第{n}個問題？")[1] for n in range(3)]
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=TAIPEI), tick=False), app.test_request_context():
        item = feedback_queries.get_feedback(db.session, numbers[0])
        feedback_services.publish_response(db.session, item, actor=db.session.get(User, staff.id), body="已處理。")
        db.session.commit()
    # Before any deadline passes only the answered item counts: one of one.
    item = progress_of(app, "answer-on-time", now=datetime(2026, 3, 5, tzinfo=TAIPEI))
    assert years(item)[2026] == (80, 100, True)
    # After the deadlines, the two unanswered items count against it: one of three.
    item = progress_of(app, "answer-on-time", now=datetime(2026, 12, 1, tzinfo=TAIPEI))
    assert years(item)[2026] == (80, 33, False)
    assert item.commitment.is_percentage


def test_progress_takes_the_same_queries_however_many_commitments_and_years(app, staff, admin, count_queries):
    def counted() -> int:
        with app.app_context(), count_queries() as statements:
            queries.list_progress(db.session, datetime(2026, 3, 1, tzinfo=TAIPEI))
        return len(statements)

    few = counted()
    for n, measure in enumerate(["platforms", "best_practice_cases", "answered_on_time_share"] * 2):
        create_commitment(app, admin, f"extra-{n}", measure)
        set_targets(app, admin, f"extra-{n}", **{f"y{2020 + year}": year for year in range(8)})
    set_targets(app, admin, y2021=3, y2022=4, y2023=5)
    published(app, staff, admin, "one-line")
    feature(app, admin, "one-line")
    many = counted()
    # Three to load the commitments, then one per measure in use: two more measures, two more queries,
    # whatever the number of commitments and years.
    assert many == few + 2
    create_commitment(app, admin, "yet-another", "platforms")
    set_targets(app, admin, "yet-another", y2030=1, y2031=2)
    assert counted() == many
