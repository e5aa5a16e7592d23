"""The same actions through the staff web forms and through the write API, for every role: both paths
agree on who may act, a token's holder gets the very answer the form gives (404 or 403), and what is
allowed lands in the case's public record with its reason.

Each action has two equal targets (two documents, two feedback items, two workshops...) so that the
form and the API each act on their own, from the same starting state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from civic.cases import queries as case_queries
from civic.cases.models import HistoryEntry
from civic.core.time import to_taipei, utcnow
from civic.extensions import db
from civic.feedback.models import Feedback
from civic.workshops.models import Workshop
from tests.support import post_form, signed_in
from tests.write_api.conftest import Api, add_risk_and_document, hold_workshop, make_token, open_item

ROLES = ["anonymous", "citizen", "supplier", "staff", "other_agency_staff", "moderator", "admin", "integrity_officer"]
# Who holds a token at all: only staff and administrators may (civic.integrations.permissions).
HOLDERS = {"staff", "other_agency_staff", "admin"}
CASE_FORM = {"title_zh": "臺北捷運萬大線", "slug": "taipei-mrt-wanda", "sector": "rail", "procurement_kind": "works",
             "status": "implementation", "county": "taipei", "address": "臺北市萬華區", "budget_ntd": "46650000000",
             "summary_zh": "連接臺北市與新北市的捷運路線。",
             "summary_en": "A metro line linking Taipei and New Taipei.", "platform_established_on": "2019-05-01"}


def local(moment) -> str:
    return to_taipei(moment).strftime("%Y-%m-%dT%H:%M")


@dataclass
class Scene:
    slug: str
    risk_id: int
    documents: tuple[int, int]
    items: tuple[str, str]
    edited_workshop: int
    cancelled: tuple[int, int]


@pytest.fixture
def scene(app, staff, admin, citizen, published_case) -> Scene:
    risk_id, first_document = add_risk_and_document(app, staff, published_case)
    _risk, second_document = add_risk_and_document(app, staff, published_case)
    return Scene(
        slug=published_case, risk_id=risk_id, documents=(first_document, second_document),
        items=(open_item(app, citizen, published_case, "請問第一期何時通車？"),
               open_item(app, citizen, published_case, "請問第二期何時動工？")),
        edited_workshop=hold_workshop(app, staff, "要修改的說明會"),
        cancelled=(hold_workshop(app, staff, "網頁取消的說明會"), hold_workshop(app, staff, "API 取消的說明會")))


def case_state(app, slug: str) -> dict[str, Any]:
    with app.app_context():
        case = case_queries.get_case_with_parts(db.session, slug)
        return {"title_en": case.title_en, "milestones": sorted(m.title_zh for m in case.milestones),
                "risks": {risk.id: risk.risk for risk in case.risks}, "documents": {d.id for d in case.documents}}


def reasons(app, slug: str) -> list[tuple[str, str, str]]:
    """The record's entries after the set-up: (action, part kind, reason)."""
    with app.app_context():
        case = case_queries.get_case_by_slug(db.session, slug)
        rows = db.session.execute(select(HistoryEntry.action, HistoryEntry.part_kind, HistoryEntry.reason)
                                  .where(HistoryEntry.case_id == case.id).order_by(HistoryEntry.seq)).all()
        return [tuple(row) for row in rows]


def answered(app, number: str) -> bool:
    with app.app_context():
        return db.session.scalar(select(Feedback.status).where(Feedback.tracking_number == number)) == "answered"


def workshop(app, workshop_id: int) -> Workshop:
    with app.app_context():
        return db.session.get(Workshop, workshop_id)


def workshop_titles(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Workshop.title)))


@dataclass(frozen=True)
class Action:
    """One thing staff do, by form and by API: each returns its response; ``done`` tells whether the
    form's (``by_form``) or the API's change happened."""

    name: str
    form: Callable[[Any, Scene, str], Any]
    api: Callable[[Api, Scene], Any]
    done: Callable[[Any, Scene, bool], bool]
    # The reason each path gives, expected in the case's record when allowed (None: not a case change).
    reasons: tuple[str, str] | None = None


def _case_edit_form(client, scene, csrf_page):
    return post_form(client, f"/manage/cases/{scene.slug}/edit",
                     {**CASE_FORM, "title_en": "Changed by form", "reason": "網頁更正英文名稱"}, form_page=csrf_page)


def _edit_workshop_form(client, scene: Scene, csrf_page: str):
    held = workshop(client.application, scene.edited_workshop)
    return post_form(client, f"/staff/workshops/{scene.edited_workshop}/edit", {
        "title": "網頁改名的說明會", "starts_at": local(held.starts_at), "ends_at": local(held.ends_at),
        "capacity": "30", "location": "區公所"}, form_page=csrf_page)


def _start(days: int):
    return (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)


ACTIONS = [
    Action("edit the case", _case_edit_form,
           lambda api, scene: api.patch(f"/api/v1/cases/{scene.slug}",
                                        {"title_en": "Changed by API", "reason": "API更正英文名稱"}),
           lambda app, scene, by_form: case_state(app, scene.slug)["title_en"] == (
               "Changed by form" if by_form else "Changed by API"),
           ("網頁更正英文名稱", "API更正英文名稱")),
    Action("add a milestone",
           lambda client, scene, page: post_form(client, f"/manage/cases/{scene.slug}/milestones/new", {
               "title_zh": "網頁里程碑", "milestone_type": "delivery", "planned_on": "2027-01-01"}, form_page=page),
           lambda api, scene: api.post(f"/api/v1/cases/{scene.slug}/milestones",
                                       {"title_zh": "API里程碑", "planned_on": "2027-01-01"}),
           lambda app, scene, by_form: ("網頁里程碑" if by_form else "API里程碑") in case_state(app, scene.slug)[
               "milestones"]),
    Action("change a risk",
           lambda client, scene, page: post_form(client, f"/manage/cases/{scene.slug}/risks/{scene.risk_id}/edit", {
               "stage": "award", "risk": "網頁改寫的風險", "likelihood": "high", "impact": "high", "status": "open",
               "reason": "網頁補充風險說明"}, form_page=page),
           lambda api, scene: api.patch(f"/api/v1/cases/{scene.slug}/risks/{scene.risk_id}",
                                        {"risk": "API改寫的風險", "reason": "API補充風險說明"}),
           lambda app, scene, by_form: case_state(app, scene.slug)["risks"][scene.risk_id] == (
               "網頁改寫的風險" if by_form else "API改寫的風險"),
           ("網頁補充風險說明", "API補充風險說明")),
    Action("remove a document",
           lambda client, scene, page: post_form(
               client, f"/manage/cases/{scene.slug}/documents/{scene.documents[0]}/delete",
               {"reason": "網頁刪除重複文件"}, form_page=page),
           lambda api, scene: api.delete(f"/api/v1/cases/{scene.slug}/documents/{scene.documents[1]}",
                                         {"reason": "API刪除重複文件"}),
           lambda app, scene, by_form: scene.documents[0 if by_form else 1] not in case_state(app, scene.slug)[
               "documents"],
           ("網頁刪除重複文件", "API刪除重複文件")),
    Action("answer feedback",
           lambda client, scene, page: post_form(client, f"/staff/feedback/{scene.items[0]}",
                                                 {"body": "網頁回覆：預計明年通車。", "unit": "工程管理科"},
                                                 form_page=page),
           lambda api, scene: api.post(f"/api/v1/feedback/{scene.items[1]}/answer",
                                       {"body": "API回覆：預計後年動工。", "unit": "工程管理科"}),
           lambda app, scene, by_form: answered(app, scene.items[0 if by_form else 1])),
    Action("hold a workshop",
           lambda client, scene, page: post_form(client, "/staff/workshops/new", {
               "title": "網頁新說明會", "starts_at": local(_start(20)),
               "ends_at": local(_start(20) + timedelta(hours=2)), "capacity": "40", "location": "區公所"},
               form_page=page),
           lambda api, scene: api.post("/api/v1/workshops", {
               "title": "API新說明會", "starts_at": _start(21).isoformat(),
               "ends_at": (_start(21) + timedelta(hours=2)).isoformat(), "capacity": 40, "location": "區公所"}),
           lambda app, scene, by_form: ("網頁新說明會" if by_form else "API新說明會") in workshop_titles(app)),
    Action("change a workshop",
           _edit_workshop_form,
           lambda api, scene: api.patch(f"/api/v1/workshops/{scene.edited_workshop}", {"title": "API改名的說明會"}),
           lambda app, scene, by_form: workshop(app, scene.edited_workshop).title == (
               "網頁改名的說明會" if by_form else "API改名的說明會")),
    Action("cancel a workshop",
           lambda client, scene, page: post_form(client, f"/staff/workshops/{scene.cancelled[0]}/cancel",
                                                 {"reason": "颱風停班停課"}, form_page=page),
           lambda api, scene: api.post(f"/api/v1/workshops/{scene.cancelled[1]}/cancel", {"reason": "颱風停班停課"}),
           lambda app, scene, by_form: workshop(app, scene.cancelled[0 if by_form else 1]).status == "cancelled"),
]
# Who may do each action, as the permission map says; the test checks both paths against it too, so
# that both refusing everything (a broken set-up) cannot pass as agreement.
ALLOWED = {
    "edit the case": {"staff", "admin"},
    "add a milestone": {"staff", "admin"},
    "change a risk": {"staff", "admin"},
    "remove a document": {"staff", "admin"},
    "answer feedback": {"staff"},
    "hold a workshop": {"staff", "other_agency_staff"},
    "change a workshop": {"staff"},
    "cancel a workshop": {"staff"},
}


def _refused_by_form(response) -> bool:
    return response.status_code in (403, 404) or (response.status_code == 302 and
                                                  "/login" in response.headers.get("Location", ""))


@pytest.mark.parametrize("role", ROLES)
def test_the_api_and_the_staff_forms_agree_for_every_role(app, request, role, scene):
    account = None if role == "anonymous" else request.getfixturevalue(role)
    browser = app.test_client() if account is None else signed_in(app, account)
    csrf_page = "/login" if account is None else "/account"
    api = Api(app.test_client(), make_token(app, account) if role in HOLDERS else None)
    record_before = len(reasons(app, scene.slug))
    for action in ACTIONS:
        by_form = action.form(browser, scene, csrf_page)
        form_done = action.done(app, scene, True)
        by_api = action.api(api, scene)
        api_done = action.done(app, scene, False)
        expected = role in ALLOWED[action.name]
        assert (form_done, api_done) == (expected, expected), (action.name, by_form.status_code, by_api.status_code)
        if expected:
            assert by_form.status_code == 302 and 200 <= by_api.status_code < 300, action.name
            continue
        assert _refused_by_form(by_form), (action.name, by_form.status_code)
        if role in HOLDERS:
            # The holder's own refusal: exactly what the form answered.
            assert by_api.status_code == by_form.status_code, (action.name, by_form.status_code, by_api.get_json())
        else:
            # No token can act for this role: the API refuses before anything.
            assert by_api.status_code == 401 and by_api.headers["WWW-Authenticate"].startswith("Bearer")
        assert by_api.get_json()["error"]["code"]
    # What was allowed is in the case's record with the reason each path gave.
    added = reasons(app, scene.slug)[record_before:]
    for action in ACTIONS:
        if action.reasons is None:
            continue
        for reason in action.reasons:
            assert any(entry[2] == reason for entry in added) == (role in ALLOWED[action.name]), (action.name, reason)
    if role in ALLOWED["add a milestone"]:
        created = [entry for entry in added if entry[:2] == ("created", "milestone")]
        assert len(created) == 2


def test_a_refused_api_call_changes_nothing_at_all(app, other_agency_staff, scene):
    api = Api(app.test_client(), make_token(app, other_agency_staff))
    before = case_state(app, scene.slug), len(reasons(app, scene.slug))
    for action in ACTIONS[:4]:
        assert action.api(api, scene).status_code == 403
    assert (case_state(app, scene.slug), len(reasons(app, scene.slug))) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Feedback).where(Feedback.status == "answered")) == 0
