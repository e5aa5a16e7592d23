"""Who the write API lets in: a usable token only (never a cookie), within its scopes, as its holder
with the holder's permissions of the moment; refusals in JSON with the Bearer challenge, in the
language the client asks for."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from civic.accounts import administration
from civic.accounts.models import User
from civic.agencies import services as agencies
from civic.cases import queries as case_queries
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.extensions import db
from civic.integrations import services as tokens
from civic.integrations.models import ApiToken
from tests.support import csrf_token, signed_in
from tests.write_api.conftest import Api, make_token

CHANGE = {"title_en": "Taipei MRT Wanda Line (phase 1)", "reason": "依核定計畫更名"}


def title_en(app, slug: str) -> str:
    with app.app_context():
        return case_queries.get_case_by_slug(db.session, slug).title_en


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


def test_without_a_token_nothing_is_done_and_the_scheme_is_named(app, published_case):
    api = Api(app.test_client())
    response = api.patch(f"/api/v1/cases/{published_case}", CHANGE)
    refused(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="civic"'
    basic = api.patch(f"/api/v1/cases/{published_case}", CHANGE, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    refused(basic, 401, "unauthorized")
    assert title_en(app, published_case) == "Taipei MRT Wanda Line"


@pytest.mark.parametrize("secret", ["civ_not-a-token-at-all", "civ_" + "x" * 200, "not-even-ours", "civ_"])
def test_an_unknown_token_is_refused_as_invalid(app, published_case, secret):
    response = Api(app.test_client(), secret).patch(f"/api/v1/cases/{published_case}", CHANGE)
    refused(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_an_expired_token_stops_working(app, staff, published_case):
    api = Api(app.test_client(), make_token(app, staff, days=1))
    assert api.get("/api/v1/me").status_code == 200
    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1), tick=False):
        refused(api.patch(f"/api/v1/cases/{published_case}", CHANGE), 401, "invalid_token")
    assert title_en(app, published_case) == "Taipei MRT Wanda Line"


def test_a_revoked_token_stops_working_at_once(app, staff, published_case):
    secret = make_token(app, staff)
    api = Api(app.test_client(), secret)
    assert api.get("/api/v1/me").status_code == 200
    with app.test_request_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == staff.id))
        tokens.revoke_token(db.session, token, actor=db.session.get(User, staff.id))
        db.session.commit()
    refused(api.patch(f"/api/v1/cases/{published_case}", CHANGE), 401, "invalid_token")


def test_a_holder_demoted_or_suspended_loses_the_api_at_once(app, staff, other_agency_staff, admin, published_case):
    demoted = Api(app.test_client(), make_token(app, staff))
    suspended = Api(app.test_client(), make_token(app, other_agency_staff))
    with app.test_request_context():
        actor = db.session.get(User, admin.id)
        administration.change_role(db.session, db.session.get(User, staff.id), role=Role.citizen, agency=None,
                                   actor=actor)
        administration.suspend(db.session, db.session.get(User, other_agency_staff.id), actor=actor, reason="離職")
        db.session.commit()
    refused(demoted.patch(f"/api/v1/cases/{published_case}", CHANGE), 401, "invalid_token")
    refused(suspended.get("/api/v1/me"), 401, "invalid_token")


def test_a_token_without_the_scope_is_refused_with_insufficient_scope(app, staff, published_case):
    api = Api(app.test_client(), make_token(app, staff, scopes=("feedback:answer",)))
    response = api.patch(f"/api/v1/cases/{published_case}", CHANGE)
    refused(response, 403, "insufficient_scope")
    assert 'error="insufficient_scope", scope="cases:write"' in response.headers["WWW-Authenticate"]
    refused(api.post("/api/v1/workshops", {"title": "說明會"}), 403, "insufficient_scope")
    assert title_en(app, published_case) == "Taipei MRT Wanda Line"


def test_me_names_the_holder_and_the_scopes_never_the_token(app, staff, admin):
    secret = make_token(app, staff, scopes=("cases:write", "workshops:write"))
    response = Api(app.test_client(), secret).get("/api/v1/me")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    me = response.get_json()
    assert me["holder"] == {"role": "staff", "agency": "A00000001"}
    assert me["token"]["scopes"] == ["cases:write", "workshops:write"]
    assert me["token"]["prefix"] == secret[:8] and me["token"]["expires_at"] > me["token"]["created_at"]
    assert me["token"]["last_used_at"] is not None
    body = response.get_data(as_text=True)
    assert secret not in body and "staff@agency-a.gov.tw" not in body
    admin_me = Api(app.test_client(), make_token(app, admin)).get("/api/v1/me").get_json()
    assert admin_me["holder"] == {"role": "admin", "agency": None}


def test_a_signed_in_browser_never_acts_through_the_api(app, staff, published_case):
    browser = signed_in(app, staff)
    token = csrf_token(browser, "/account")
    for headers in ({}, {"X-CSRFToken": token}):
        response = browser.patch(f"/api/v1/cases/{published_case}", json=CHANGE, headers=headers)
        refused(response, 401, "unauthorized")
    assert browser.get("/api/v1/me").status_code == 401
    assert title_en(app, published_case) == "Taipei MRT Wanda Line"


def test_the_token_acts_as_its_holder_whatever_browser_session_comes_along(app, staff, admin, published_case):
    browser = signed_in(app, admin)
    api = Api(browser, make_token(app, staff))
    assert api.patch(f"/api/v1/cases/{published_case}", CHANGE).status_code == 200
    history = app.test_client().get(f"/api/v1/cases/{published_case}/history").get_json()["data"]
    assert history[-1]["actor"] == {"role": "staff", "agency": "A00000001"}
    assert history[-1]["reason"] == "依核定計畫更名"


def test_holder_permissions_are_those_of_the_moment(app, staff, admin, published_case):
    """A token made by staff of agency A works on agency B's case only once its holder is moved there."""
    api = Api(app.test_client(), make_token(app, staff))
    with app.test_request_context():
        other = agencies.create_agency(db.session, code="C00000003", name_zh="第三機關",
                                       actor=db.session.get(User, admin.id))
        administration.change_role(db.session, db.session.get(User, staff.id), role=Role.staff, agency=other,
                                   actor=db.session.get(User, admin.id))
        db.session.commit()
    refused(api.patch(f"/api/v1/cases/{published_case}", CHANGE), 403, "forbidden")
    assert api.get("/api/v1/me").get_json()["holder"]["agency"] == "C00000003"


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-TW", "請在標頭 Authorization: Bearer"), ("en", "Send a personal access token")])
def test_refusals_speak_the_language_asked_for(app, published_case, language, expected):
    response = Api(app.test_client(), lang=language).patch(f"/api/v1/cases/{published_case}", CHANGE)
    assert response.get_json()["error"]["message"].startswith(expected)


@pytest.mark.parametrize(("language", "expected"), [("zh-TW", "請說明修改已公開案件的理由"),
                                                    ("en", "Say why you are changing a published case")])
def test_a_field_refused_by_the_rules_is_named_in_the_language_asked_for(app, staff, published_case, language,
                                                                         expected):
    api = Api(app.test_client(), make_token(app, staff), lang=language)
    error = refused(api.patch(f"/api/v1/cases/{published_case}", {"title_en": "No reason"}), 422, "invalid")
    assert error["fields"]["reason"][0].startswith(expected)
    bad = refused(api.patch(f"/api/v1/cases/{published_case}", {"budget_ntd": "很多", "colour": "red"}), 422,
                  "invalid")
    assert set(bad["fields"]) == {"budget_ntd", "colour"}
    assert bad["fields"]["budget_ntd"] == [{"zh-TW": "請傳送整數（JSON integer）。",
                                           "en": "Send a whole number (a JSON integer)."}[language]]
