"""Workshops and pledges: lists a bot mirrors with cursors and updated_since, one workshop, the bulk
files, bad parameters refused. Seats are counted, attendees never shown."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from civic.accounts.models import User
from civic.api import serializers
from civic.api.exports import PLEDGE_COLUMNS, WORKSHOP_COLUMNS
from civic.extensions import db
from civic.pledges import services as pledges
from civic.pledges.models import Pledge
from civic.workshops import services as workshops
from civic.workshops.models import Workshop
from civic.workshops.queries import get_workshop
from tests.api.conftest import ATTENDEE, ATTENDEE_EMAIL, DEMO_AGENCY, DEMO_CASE, get_json, walk

WORKSHOPS_HEADER = ("id,title,agency,agency_name,case,starts_at,ends_at,signup_deadline_at,location,online,capacity,"
                    "confirmed,waitlisted,seats_left,status,cancelled_at,is_demo,updated_at,url")
PLEDGES_HEADER = ("receipt,ubn,company,case,text_version,text_hash,signer_name,signer_title,signed_at,status,"
                  "withdrawn_at,withdrawal_reason,breach_note,breach_recorded_at,content_hash,updated_at,url")
DEMO_UBN = "95957117"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _since(value: str) -> str:
    return quote(value, safe="")


def test_a_bot_mirrors_every_workshop_then_only_the_changes(app, client, seeded):
    everything = walk(client, "/api/v1/workshops?limit=2")
    ids = [workshop["id"] for workshop in everything]
    with app.app_context():
        assert len(ids) == len(set(ids)) == _count(Workshop) >= 4
    stamps = [workshop["updated_at"] for workshop in everything]
    assert stamps == sorted(stamps) and all(stamp.endswith("+08:00") for stamp in stamps)
    newest = stamps[-1]
    latest = [i for i, stamp in zip(ids, stamps, strict=True) if stamp == newest]
    assert [w["id"] for w in walk(client, f"/api/v1/workshops?updated_since={_since(newest)}")] == latest

    before = get_json(client, f"/api/v1/workshops/{seeded.workshop_id}")
    with app.test_request_context():
        workshop = get_workshop(db.session, seeded.workshop_id)
        workshops.sign_up(db.session, workshop, workshops.SignupInput(
            name="新報名者", email="new.attendee@example.tw", phone="0911 222 333", consent=True))
        db.session.commit()
    changed = walk(client, f"/api/v1/workshops?updated_since={_since(newest)}")
    assert changed[-1]["id"] == seeded.workshop_id
    assert changed[-1]["confirmed"] == before["confirmed"] + 1
    assert changed[-1]["seats_left"] == before["seats_left"] - 1


def test_a_workshop_carries_its_seats_and_never_its_attendees(client, seeded):
    workshop = get_json(client, f"/api/v1/workshops/{seeded.workshop_id}")
    assert set(workshop) == set(serializers.WorkshopSchema().fields)
    assert workshop["agency"] == DEMO_AGENCY and workshop["case"] == DEMO_CASE
    assert workshop["seats_left"] == workshop["capacity"] - workshop["confirmed"]
    assert workshop["confirmed"] >= 1 and workshop["status"] == "scheduled"
    assert workshop["starts_at"].endswith("+08:00") and workshop["url"].endswith(f"/workshops/{seeded.workshop_id}")
    assert not {"online_url", "registrations", "attendees", "questions"} & set(workshop)
    text = json.dumps(workshop, ensure_ascii=False)
    assert ATTENDEE not in text and ATTENDEE_EMAIL not in text
    online = [w for w in walk(client, "/api/v1/workshops?limit=500") if w["online"]]
    assert online and all("meet.example.tw" not in json.dumps(w) for w in online)


def test_workshops_are_filtered_by_agency_and_case(client):
    by_agency = walk(client, f"/api/v1/workshops?agency={DEMO_AGENCY}")
    assert by_agency and {w["agency"] for w in by_agency} == {DEMO_AGENCY}
    by_case = walk(client, f"/api/v1/workshops?case={DEMO_CASE}")
    assert by_case and {w["case"] for w in by_case} == {DEMO_CASE}


def test_a_bot_mirrors_every_pledge_then_only_the_changes(app, client):
    everything = walk(client, "/api/v1/pledges?limit=1")
    receipts = [pledge["receipt"] for pledge in everything]
    with app.app_context():
        assert len(receipts) == len(set(receipts)) == _count(Pledge) >= 3
    pledge = everything[0]
    assert set(pledge) == set(serializers.PledgeSchema().fields)
    assert set(pledge["company"]) == {"ubn", "name"} and len(pledge["text_hash"]) == 64
    assert isinstance(pledge["text_version"], int) and pledge["updated_at"].endswith("+08:00")
    withdrawn = [p for p in everything if p["status"] == "withdrawn"]
    assert withdrawn and withdrawn[0]["withdrawal_reason"] and withdrawn[0]["withdrawn_at"]
    stamps = [p["updated_at"] for p in everything]
    assert stamps == sorted(stamps)
    newest = stamps[-1]

    with app.test_request_context():
        oldest = db.session.scalar(select(Pledge).where(Pledge.receipt == receipts[0]))
        pledges.record_breach(db.session, oldest, actor=_user("admin@demo.civic.tw"), note="經查違反承諾事項。")
        db.session.commit()
    changed = walk(client, f"/api/v1/pledges?updated_since={_since(newest)}")
    assert changed[-1]["receipt"] == receipts[0]
    assert changed[-1]["breach_note"] == "經查違反承諾事項。" and changed[-1]["breach_recorded_at"]


def test_pledges_are_filtered_by_company_and_case(client):
    by_company = walk(client, f"/api/v1/pledges?ubn={DEMO_UBN}")
    assert len(by_company) == 2 and {p["company"]["ubn"] for p in by_company} == {DEMO_UBN}
    by_case = walk(client, f"/api/v1/pledges?case={DEMO_CASE}")
    assert len(by_case) == 2 and {p["case"] for p in by_case} == {DEMO_CASE}
    both = walk(client, f"/api/v1/pledges?ubn={DEMO_UBN}&case={DEMO_CASE}")
    assert len(both) == 1
    assert get_json(client, "/api/v1/pledges?ubn=12345675") == {"data": [], "next": None}


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/api/v1/workshops/999999", 404, "not_found"),
    ("/api/v1/workshops/99999999999", 404, "not_found"),
    ("/api/v1/workshops/abc", 404, "not_found"),
    ("/api/v1/workshops/0", 404, "not_found"),
    ("/api/v1/workshops?case=no-such-case", 404, "not_found"),
    ("/api/v1/workshops?agency=Z99999999", 404, "not_found"),
    ("/api/v1/workshops?agency=not%20a%20code", 400, "bad_parameter"),
    ("/api/v1/workshops?limit=501", 400, "bad_parameter"),
    ("/api/v1/workshops?cursor=nope", 400, "bad_cursor"),
    ("/api/v1/workshops?updated_since=soon", 400, "bad_parameter"),
    ("/api/v1/workshops/1?limit=5", 400, "unknown_parameter"),
    ("/api/v1/pledges?ubn=1234", 400, "bad_parameter"),
    ("/api/v1/pledges?ubn=abcdefgh", 400, "bad_parameter"),
    ("/api/v1/pledges?case=no-such-case", 404, "not_found"),
    ("/api/v1/pledges?case=Not%20A%20Slug", 400, "bad_parameter"),
    ("/api/v1/pledges?company=95957117", 400, "unknown_parameter"),
])
def test_bad_requests_are_refused_with_a_json_error(client, path, status, code):
    body = get_json(client, path + ("&" if "?" in path else "?") + "lang=en", status)
    assert body["error"]["code"] == code and body["error"]["message"]


def _csv(client, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200 and response.is_streamed and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_the_bulk_files_hold_every_workshop_and_pledge(client, seeded):
    assert ",".join(column.name for column in WORKSHOP_COLUMNS) == WORKSHOPS_HEADER
    assert ",".join(column.name for column in PLEDGE_COLUMNS) == PLEDGES_HEADER
    api_workshops = {w["id"]: w for w in walk(client, "/api/v1/workshops?limit=500")}
    rows = _csv(client, "/api/v1/export/workshops.csv")
    assert list(rows[0]) == WORKSHOPS_HEADER.split(",")
    assert {int(row["id"]) for row in rows} == set(api_workshops)
    row = next(row for row in rows if int(row["id"]) == seeded.workshop_id)
    assert row["confirmed"] == str(api_workshops[seeded.workshop_id]["confirmed"])
    assert row["updated_at"] == api_workshops[seeded.workshop_id]["updated_at"]
    lines = [json.loads(line) for line in client.get("/api/v1/export/workshops.jsonl").get_data(as_text=True)
             .splitlines()]
    assert {line["id"]: line for line in lines} == api_workshops

    api_pledges = {p["receipt"]: p for p in walk(client, "/api/v1/pledges?limit=500")}
    rows = _csv(client, "/api/v1/export/pledges.csv")
    assert list(rows[0]) == PLEDGES_HEADER.split(",") and {row["receipt"] for row in rows} == set(api_pledges)
    assert all(row["ubn"] == api_pledges[row["receipt"]]["company"]["ubn"] for row in rows)
    lines = [json.loads(line) for line in client.get("/api/v1/export/pledges.jsonl").get_data(as_text=True)
             .splitlines()]
    assert {line["receipt"]: line for line in lines} == api_pledges


def test_the_document_describes_the_new_addresses(client):
    paths = get_json(client, "/api/v1/openapi.json")["paths"]
    assert {"/api/v1/workshops", "/api/v1/workshops/{workshop_id}", "/api/v1/pledges",
            "/api/v1/export/workshops.csv", "/api/v1/export/workshops.jsonl", "/api/v1/export/pledges.csv",
            "/api/v1/export/pledges.jsonl"} <= set(paths)
    names = {parameter.get("name") for parameter in paths["/api/v1/pledges"]["get"]["parameters"]}
    assert {"ubn", "case", "cursor", "limit", "updated_since"} <= names
    assert "404" in paths["/api/v1/pledges"]["get"]["responses"]


def test_the_new_lists_run_a_fixed_number_of_queries(app, count_queries):
    client = app.test_client()
    counts = {}
    for path in ("/api/v1/workshops?limit=1", "/api/v1/workshops?limit=500", "/api/v1/pledges?limit=1",
                 "/api/v1/pledges?limit=500"):
        with count_queries() as statements:
            get_json(client, path)
        counts[path] = sum(1 for statement in statements if statement.lstrip().upper().startswith("SELECT"))
    assert counts["/api/v1/workshops?limit=1"] == counts["/api/v1/workshops?limit=500"] <= 3
    assert counts["/api/v1/pledges?limit=1"] == counts["/api/v1/pledges?limit=500"] <= 4
