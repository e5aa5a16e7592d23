"""Idempotency-Key on every POST of the write API: the same request again replays the stored answer and
does nothing twice; another request with the key is refused; a request racing with one still being
made is refused with 409; a refused request keeps no key; keys are the token's own and are purged
after a day.

The race tests commit for real, on a database of their own: the ``app`` fixture's rolled-back
transaction would hide what each request commits from the others.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, insert, select

from civic.cases.models import Milestone
from civic.core.time import utcnow
from civic.extensions import db
from civic.integrations.models import ApiIdempotencyKey, ApiToken
from tests.write_api.conftest import Api, make_token, open_item

MILESTONE = {"title_zh": "主體工程完工", "planned_on": "2027-12-31"}


def milestones(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Milestone.id)))


def keys(app) -> list[ApiIdempotencyKey]:
    with app.app_context():
        return list(db.session.scalars(select(ApiIdempotencyKey)))


def test_the_same_request_again_replays_the_answer_and_changes_nothing(app, staff_api, published_case):
    path = f"/api/v1/cases/{published_case}/milestones"
    first = staff_api.post(path, MILESTONE, key="job-42")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    history = app.test_client().get(f"/api/v1/cases/{published_case}/history").get_json()["data"]
    again = staff_api.post(path, MILESTONE, key="job-42")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data() and again.headers["Location"] == first.headers["Location"]
    assert milestones(app) == 1
    assert app.test_client().get(f"/api/v1/cases/{published_case}/history").get_json()["data"] == history
    [stored] = keys(app)
    assert (stored.key, stored.response_status, len(stored.fingerprint)) == ("job-42", 201, 64)


def test_the_same_key_with_another_request_is_refused(app, staff_api, published_case):
    path = f"/api/v1/cases/{published_case}/milestones"
    assert staff_api.post(path, MILESTONE, key="job-43").status_code == 201
    for other_path, body in ((path, {**MILESTONE, "title_zh": "通車"}), (f"/api/v1/cases/{published_case}/risks",
                                                                          MILESTONE)):
        refused = staff_api.post(other_path, body, key="job-43")
        assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "idempotency_key_reused"
    assert milestones(app) == 1


def test_keys_are_each_token_s_own(app, staff, staff_api, published_case):
    other = Api(app.test_client(), make_token(app, staff))
    path = f"/api/v1/cases/{published_case}/milestones"
    assert staff_api.post(path, MILESTONE, key="same").status_code == 201
    second = other.post(path, MILESTONE, key="same")
    assert second.status_code == 201 and "Idempotent-Replayed" not in second.headers
    assert milestones(app) == 2


def test_a_refused_request_keeps_no_key_and_may_be_sent_again_fixed(app, staff_api, published_case):
    path = f"/api/v1/cases/{published_case}/milestones"
    assert staff_api.post(path, {"title_en": "No Chinese title"}, key="job-44").status_code == 422
    assert keys(app) == []
    fixed = staff_api.post(path, MILESTONE, key="job-44")
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers


def test_a_replay_of_a_workshop_and_of_an_answer_does_nothing_twice(app, citizen, staff_api, published_case):
    number = open_item(app, citizen, published_case)
    answer = {"body": "本局已公開分包商名冊。"}
    first = staff_api.post(f"/api/v1/feedback/{number}/answer", answer, key="answer-1")
    again = staff_api.post(f"/api/v1/feedback/{number}/answer", answer, key="answer-1")
    assert (first.status_code, again.status_code, again.headers["Idempotent-Replayed"]) == (200, 200, "true")
    assert again.get_json() == first.get_json()
    start = (utcnow() + timedelta(days=9)).replace(microsecond=0)
    workshop = {"title": "說明會", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
                "capacity": 20, "location": "區公所"}
    made = [staff_api.post("/api/v1/workshops", workshop, key="workshop-1") for _ in range(3)]
    assert {response.get_json()["id"] for response in made} == {made[0].get_json()["id"]}
    assert app.test_client().get("/api/v1/workshops").get_json()["data"][0]["id"] == made[0].get_json()["id"]
    assert len(app.test_client().get("/api/v1/workshops").get_json()["data"]) == 1


def test_keys_older_than_a_day_are_purged(app, staff_api, published_case):
    path = f"/api/v1/cases/{published_case}/milestones"
    assert staff_api.post(path, MILESTONE, key="old").status_code == 201
    with time_machine.travel(utcnow() + timedelta(hours=23), tick=False):
        assert staff_api.post(path, {"title_zh": "通車"}, key="newer").status_code == 201
    with time_machine.travel(utcnow() + timedelta(hours=25), tick=False):
        result = app.test_cli_runner().invoke(args=["api", "purge-keys"])
    assert result.exit_code == 0 and "removed 1 idempotency keys older than 24 hours" in result.output
    assert [key.key for key in keys(app)] == ["newer"]
    # A purged key names a new request: sending the old one again makes the change again.
    assert "Idempotent-Replayed" not in staff_api.post(path, MILESTONE, key="old").headers


def test_a_token_s_keys_go_with_it(app, staff, staff_api, published_case):
    assert staff_api.post(f"/api/v1/cases/{published_case}/milestones", MILESTONE).status_code == 201
    with app.app_context():
        db.session.delete(db.session.scalar(select(ApiToken).where(ApiToken.user_id == staff.id)))
        db.session.commit()
    assert keys(app) == []


# Requests racing with one key, on a database that commits for real.


def test_a_request_racing_with_one_still_being_made_is_409_and_changes_nothing(committing, database_kind):
    if database_kind == "sqlite":
        pytest.skip("SQLite takes one writer at a time: the second request waits for the first and gets its "
                    "answer replayed (test_racing_requests_with_one_key_change_once)")
    application, slug, secret = committing
    key = f"held-{uuid.uuid4()}"
    before = milestones(application)
    with application.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
        holder = db.engine.connect()
    # The first request, still being made: its key is written, its transaction not yet committed.
    held = holder.begin()
    holder.execute(insert(ApiIdempotencyKey).values(
        token_id=token_id, key=key, fingerprint="0" * 64, response_status=201, response_body="{}",
        created_at=utcnow()))
    answers = []
    second = threading.Thread(target=lambda: answers.append(
        Api(application.test_client(), secret).post(f"/api/v1/cases/{slug}/milestones", MILESTONE, key=key)))
    second.start()
    time.sleep(1.0)
    assert second.is_alive(), "the second request should wait for the first"
    held.commit()
    holder.close()
    second.join(timeout=30)
    [answer] = answers
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "conflict"
    assert milestones(application) == before


def test_racing_requests_with_one_key_change_once(committing):
    application, slug, secret = committing
    key = f"race-{uuid.uuid4()}"
    before = milestones(application)
    answers = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def send() -> None:
        start.wait(timeout=30)
        answer = Api(application.test_client(), secret).post(f"/api/v1/cases/{slug}/milestones",
                                                             {**MILESTONE, "title_zh": "競賽"}, key=key)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    made = [answer for answer in answers if answer.status_code == 201 and "Idempotent-Replayed" not in answer.headers]
    others = [answer for answer in answers if answer not in made]
    assert len(answers) == 4 and len(made) == 1
    assert all(answer.status_code == 409 or (answer.status_code == 201 and answer.get_data() == made[0].get_data())
               for answer in others)
    assert milestones(application) == before + 1
