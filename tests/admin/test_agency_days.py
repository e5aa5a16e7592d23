"""An agency's answer period (working days by default, calendar days where a rule says so) and the
office calendar that working days come from."""

from __future__ import annotations

import html
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from civic.agencies.models import Agency
from civic.core.clock import OfficeDay
from civic.extensions import db
from tests.admin.test_views import page_of
from tests.support import login, post_form

FORM = {"code": "C00000009", "name_zh": "測試機關", "name_en": "Test Agency", "parent_code": "",
        "contact_email": "", "response_days": "10"}


def test_admins_choose_calendar_days_and_the_agency_page_says_which(app, admin_client):
    response = post_form(admin_client, "/admin/agencies/new", {**FORM, "counts_calendar_days": "y"})
    assert response.status_code == 302
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == "C00000009"))
        assert agency.answers_in_working_days is False
    assert "10 個日曆天" in page_of(admin_client.get("/agencies/C00000009"))
    response = post_form(admin_client, "/admin/agencies/C00000009/edit", FORM)
    assert response.status_code == 302
    assert "10 個工作天" in page_of(admin_client.get("/agencies/C00000009"))
    assert "10 working days" in page_of(admin_client.get("/agencies/C00000009?lang=en"))


def _upload(client, data: bytes):
    token_page = client.get("/admin/calendar").get_data(as_text=True)
    token = token_page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/admin/calendar", data={"csrf_token": token, "file": (io.BytesIO(data), "calendar.csv")},
                       content_type="multipart/form-data")


def test_admins_preview_then_apply_an_office_calendar(app, admin_client):
    data = "西元日期,星期,是否放假,備註\r\n20260305,四,2,調整放假\r\n20260307,六,0,補行上班\r\n".encode("cp950")
    preview = _upload(admin_client, data)
    page = page_of(preview)
    assert preview.status_code == 200 and "民國115年3月5日" in page and "調整放假" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(OfficeDay.day))) == 0
    content = page.split('name="content" value="')[1].split('"')[0]
    response = post_form(admin_client, "/admin/calendar", {"content": html.unescape(content)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(OfficeDay, date(2026, 3, 5)).is_holiday is True
        assert db.session.get(OfficeDay, date(2026, 3, 7)).is_holiday is False
    assert "Imported: 2 days" in page_of(admin_client.get("/admin/calendar?lang=en"))


def test_a_bad_calendar_file_is_refused_whole_with_its_line(app, admin_client):
    data = "西元日期,星期,是否放假,備註\r\n20260305,四,2,調整放假\r\n20260399,四,0,\r\n".encode("utf-8-sig")
    response = _upload(admin_client, data)
    assert response.status_code == 422
    assert "第 3 行" in page_of(response) and "YYYYMMDD" in page_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(OfficeDay.day))) == 0


@pytest.mark.parametrize("role", ["citizen", "staff", "moderator"])
def test_only_admins_reach_the_office_calendar(app, request, role):
    client = app.test_client()
    assert client.get("/admin/calendar").status_code == 302
    login(client, request.getfixturevalue(role))
    assert client.get("/admin/calendar").status_code == 403
