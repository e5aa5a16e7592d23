"""The managed list of sectors over HTTP: admins add, change and remove unused sectors; the
code stays fixed; every other role is refused.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from civic.cases.models import Sector
from civic.core.audit import AuditEntry
from civic.extensions import db
from tests.support import csrf_token, login, post_form

VALID = {"code": "water-resources", "name_zh": "水資源", "name_en": "Water resources",
         "oc4ids_code": "waterAndWaste", "position": "15"}


def sector(app, code: str) -> Sector | None:
    with app.app_context():
        return db.session.scalar(select(Sector).where(Sector.code == code))


def sector_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Sector))


def test_the_list_shows_every_seeded_sector_with_its_cases(app, admin_client, published_case):
    page = admin_client.get("/admin/sectors").get_data(as_text=True)
    assert "軌道運輸" in page or "rail" in page
    assert 'href="/cases?sector=rail"' in page
    assert "transport.rail" in page
    english = admin_client.get("/admin/sectors?lang=en").get_data(as_text=True)
    assert "Add a sector" in english


def test_an_admin_adds_a_sector_that_cases_can_then_use(app, admin_client):
    response = post_form(admin_client, "/admin/sectors/new", VALID)
    assert response.status_code == 302
    saved = sector(app, "water-resources")
    assert (saved.name_zh, saved.name_en, saved.oc4ids_code, saved.position) == (
        "水資源", "Water resources", "waterAndWaste", 15)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sector.created"))
        assert entry.target_id == "water-resources"
    assert "水資源" in admin_client.get("/cases").get_data(as_text=True)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("code", "", "請輸入領域代碼"),
    ("code", "Water Resources", "小寫英文字母"),
    ("code", "rail", "已經存在"),
    ("name_zh", "", "請輸入領域的中文名稱"),
    ("name_en", "", "請輸入領域的英文名稱"),
    ("oc4ids_code", "transport.space", "不是有效的選擇"),  # WTForms' own message, in Traditional Chinese
    ("position", "1000", "0 到 999"),
    ("position", "first", "0 到 999"),
])
def test_every_mistake_is_explained_and_nothing_is_saved(app, admin_client, field, value, message):
    before = sector_count(app)
    response = post_form(admin_client, "/admin/sectors/new", {**VALID, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert sector(app, "water-resources") is None
    assert sector_count(app) == before


def test_changing_a_sector_keeps_its_code_and_is_audited(app, admin_client, published_case):
    response = post_form(admin_client, "/admin/sectors/rail/edit", {**VALID, "code": "hijacked",
                                                                    "name_zh": "鐵道"})
    assert response.status_code == 302
    changed = sector(app, "rail")
    assert changed.name_zh == "鐵道" and changed.oc4ids_code == "waterAndWaste"
    assert sector(app, "hijacked") is None
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sector.changed"))
        assert entry.details["changes"]["name_zh"][1] == "鐵道"
    assert "鐵道" in admin_client.get(f"/cases/{published_case}").get_data(as_text=True)
    assert admin_client.get("/admin/sectors/nothing/edit").status_code == 404


def test_a_sector_in_use_stays_and_an_unused_one_goes(app, admin_client, published_case):
    response = post_form(admin_client, "/admin/sectors/rail/delete", {}, form_page="/admin/sectors")
    assert response.status_code == 302
    assert "無法移除" in admin_client.get("/admin/sectors").get_data(as_text=True)
    assert sector(app, "rail") is not None
    post_form(admin_client, "/admin/sectors/new", VALID)
    post_form(admin_client, "/admin/sectors/water-resources/delete", {}, form_page="/admin/sectors")
    assert sector(app, "water-resources") is None


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff", "moderator"])
def test_other_roles_are_refused(app, request, role):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    for path in ("/admin/sectors", "/admin/sectors/new", "/admin/sectors/rail/edit"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/")
    assert client.post("/admin/sectors/new", data={"csrf_token": token, **VALID}).status_code == 403
    assert client.post("/admin/sectors/rail/delete", data={"csrf_token": token}).status_code == 403
    assert sector(app, "water-resources") is None and sector(app, "rail") is not None


def test_anonymous_visitors_are_sent_to_sign_in(app):
    client = app.test_client()
    for path in ("/admin/sectors", "/admin/sectors/new"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
