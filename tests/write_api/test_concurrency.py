"""Changes of one case made at the same moment, on PostgreSQL, committing for real: each waits for the
one before it and reads what it left, so the record's ``before`` of each change is the ``after`` of the
change it follows; a change that meets another at a unique constraint is refused (409 in the API, a
form error on the staff pages), never a 500.

A transaction of the test's own holds the case's row (or a company's number) while the requests start,
so they are sure to meet. SQLite takes one writer at a time: these tests run on PostgreSQL only.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Executable, func, insert, select

from civic.accounts.models import Company
from civic.cases.models import Case, CaseContract, CaseTender, HistoryEntry
from civic.extensions import db
from tests.support import Account, csrf_token, signed_in
from tests.write_api.conftest import Api

STAFF = Account(id=0, email="staff@agency-a.gov.tw", role="staff")
# How long the requests are given to reach the held row, and to finish once it is let go.
SETTLE_SECONDS = 1.0
FINISH_SECONDS = 60


@pytest.fixture
def racing(request: pytest.FixtureRequest, database_kind: str):
    if database_kind == "sqlite":
        pytest.skip("SQLite takes one writer at a time: changes never meet half-way")
    return request.getfixturevalue("committing")


@contextmanager
def holding(app, statement: Executable) -> Iterator[None]:
    """Run ``statement`` in a transaction of another connection, open until the block ends."""
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    try:
        connection.execute(statement)
        yield
    finally:
        transaction.commit()
        connection.close()


def all_at_once(app, hold: Executable, calls: list[Callable[[], Any]]) -> list[Any]:
    """Start every call while ``hold`` is held; once they all wait, let go; their answers in order."""
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    with holding(app, hold):
        for thread in threads:
            thread.start()
        time.sleep(SETTLE_SECONDS)
        assert all(thread.is_alive() for thread in threads), "each request should wait for the held row"
    for thread in threads:
        thread.join(timeout=FINISH_SECONDS)
    assert not any(thread.is_alive() for thread in threads)
    return answers


def lock_case(slug: str) -> Executable:
    return select(Case.id).where(Case.slug == slug).with_for_update()


def entries(app, slug: str, reason: str) -> list[HistoryEntry]:
    with app.app_context():
        return list(db.session.scalars(
            select(HistoryEntry).join(Case, Case.id == HistoryEntry.case_id)
            .where(Case.slug == slug, HistoryEntry.reason == reason).order_by(HistoryEntry.seq)))


def assert_chained(found: list[HistoryEntry], name: str, first_before: Any, sent: list[Any]) -> None:
    """Each entry's ``before`` of ``name`` is the ``after`` of the entry it follows."""
    befores = [entry.before[name] for entry in found]
    afters = [entry.after[name] for entry in found]
    assert befores == [first_before, *afters[:-1]]
    assert sorted(afters) == sorted(sent)


def test_changes_of_one_case_at_the_same_moment_follow_each_other_in_the_record(racing):
    app, slug, secret = racing
    with app.app_context():
        original = db.session.scalar(select(Case.title_en).where(Case.slug == slug))
    reason = f"同時修正 {uuid.uuid4().hex[:6]}"
    titles = [f"Wanda line, version {number}" for number in range(3)]
    calls = [lambda title=title: Api(app.test_client(), secret).patch(
        f"/api/v1/cases/{slug}", {"title_en": title, "reason": reason}) for title in titles]
    answers = all_at_once(app, lock_case(slug), calls)
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    found = entries(app, slug, reason)
    assert len(found) == 3
    assert_chained(found, "title_en", original, titles)


def test_staff_editing_one_part_at_the_same_moment_follow_each_other_in_the_record(racing):
    app, slug, secret = racing
    made = Api(app.test_client(), secret).post(f"/api/v1/cases/{slug}/milestones",
                                               {"title_zh": "主體工程完工", "planned_on": "2027-12-31"})
    assert made.status_code == 201
    path = f"/manage/cases/{slug}/milestones/{made.get_json()['id']}/edit"
    reason = f"依會議決議修正 {uuid.uuid4().hex[:6]}"
    titles = ["主體工程完工（第一次修正）", "主體工程完工（第二次修正）"]
    calls = []
    for title in titles:
        client = signed_in(app, STAFF)
        data = {"title_zh": title, "milestone_type": "delivery", "planned_on": "2027-12-31", "reason": reason,
                "csrf_token": csrf_token(client, path)}
        calls.append(lambda client=client, data=data: client.post(path, data=data))
    answers = all_at_once(app, lock_case(slug), calls)
    assert [answer.status_code for answer in answers] == [302, 302]
    assert_chained(entries(app, slug, reason), "title_zh", "主體工程完工", titles)


def test_the_same_tender_sent_twice_at_once_is_added_once(racing):
    app, slug, secret = racing
    tender = {"unit_id": "3.76.47", "job_number": f"RACE-{uuid.uuid4().hex[:8]}"}
    calls = [lambda: Api(app.test_client(), secret).post(f"/api/v1/cases/{slug}/tenders", tender) for _ in range(3)]
    answers = all_at_once(app, lock_case(slug), calls)
    assert sorted(answer.status_code for answer in answers) == [201, 422, 422]
    refused = [answer.get_json()["error"] for answer in answers if answer.status_code == 422]
    assert all(list(error["fields"]) == ["job_number"] for error in refused)
    with app.app_context():
        assert db.session.scalar(select(func.count(CaseTender.id))
                                 .where(CaseTender.job_number == tender["job_number"])) == 1


def contracts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(CaseContract.id)))


def test_a_change_meeting_another_at_a_unique_number_is_409_and_changes_nothing(racing):
    app, slug, secret = racing
    before = contracts(app)
    contract = {"title": "CQ851 標", "ubn": "22099131", "company_name": "同時營造", "award_value_ntd": 1000000}
    [answer] = all_at_once(app, insert(Company).values(ubn="22099131", name="另一家營造"), [
        lambda: Api(app.test_client(), secret).post(f"/api/v1/cases/{slug}/contracts", contract)])
    assert answer.status_code == 409, answer.get_data(as_text=True)
    assert answer.get_json()["error"]["code"] == "conflict"
    assert contracts(app) == before


def test_a_staff_form_meeting_another_change_at_a_unique_number_says_so(racing):
    app, slug, _secret = racing
    before = contracts(app)
    client = signed_in(app, STAFF)
    path = f"/manage/cases/{slug}/contracts/new"
    data = {"title": "CQ852 標", "ubn": "22099136", "company_name": "同時營造", "award_value_ntd": "1000000",
            "csrf_token": csrf_token(client, path)}
    [answer] = all_at_once(app, insert(Company).values(ubn="22099136", name="另一家營造"),
                           [lambda: client.post(path, data=data)])
    assert answer.status_code == 422
    assert "同一時間有其他人在這裡儲存了變更" in answer.get_data(as_text=True)
    assert contracts(app) == before
