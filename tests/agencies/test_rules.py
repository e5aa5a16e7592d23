"""The agency rules stated once: the admin form, the CSV import, ``create_agency`` and the
demonstration loader refuse an empty Chinese name and an answer deadline outside 1 to 365 days
with the same words."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from civic.agencies import services as agencies
from civic.agencies.models import Agency
from civic.core.errors import DomainError
from civic.core.permissions import SYSTEM
from civic.demo import loader as demo
from civic.extensions import db
from tests.support import csrf_token, login, post_form

DEMO_DATA = Path(demo.__file__).parent / "data"
NO_NAME = "請輸入機關中文名稱。"
OUT_OF_RANGE = "回覆期限請填 1 到 365 天。"

# (Chinese name, days, the message)
BROKEN = [("", 14, NO_NAME), ("逾期機關", 366, OUT_OF_RANGE), ("零日機關", 0, OUT_OF_RANGE)]


def stored(code: str) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.code == code))


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    login(client, admin)
    return client


@pytest.mark.parametrize(("name_zh", "days", "message"), BROKEN)
def test_the_admin_form_refuses_with_the_rule(app, admin_client, name_zh, days, message):
    response = post_form(admin_client, "/admin/agencies/new", {"code": "R00000001", "name_zh": name_zh,
                                                               "response_days": str(days)})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert stored("R00000001") is None


@pytest.mark.parametrize(("name_zh", "days", "message"), BROKEN)
def test_the_csv_import_refuses_with_the_rule(app, admin_client, name_zh, days, message):
    text = f"\ufeffcode,name_zh,name_en,parent_code,contact_email,response_days\nR00000002,{name_zh},,,,{days}\n"
    response = admin_client.post("/admin/agencies/import", data={
        "csrf_token": csrf_token(admin_client, "/admin/agencies/import"),
        "file": (io.BytesIO(text.encode()), "agencies.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert stored("R00000002") is None


@pytest.mark.parametrize(("name_zh", "days", "message"), BROKEN)
def test_create_agency_refuses_with_the_rule(ctx, name_zh, days, message):
    with pytest.raises(DomainError) as refused:
        agencies.create_agency(db.session, code="R00000003", name_zh=name_zh, response_days=days, actor=SYSTEM)
    assert refused.value.message == message
    assert stored("R00000003") is None


@pytest.mark.parametrize(("name_zh", "days", "message"), BROKEN)
def test_the_demonstration_loader_refuses_with_the_rule(ctx, tmp_path, name_zh, days, message):
    data = tmp_path / "data"
    shutil.copytree(DEMO_DATA, data)
    with (data / "agencies.yaml").open("a", encoding="utf-8") as agencies_file:
        agencies_file.write(f"- code: R00000004\n  name_zh: '{name_zh}'\n  name_en: Broken\n"
                            f"  response_days: {days}\n")
    with pytest.raises(DomainError) as refused:
        demo.load(db.session, directory=data)
    assert refused.value.message == message


def test_an_agency_inside_the_rules_is_created(ctx):
    agency = agencies.create_agency(db.session, code="R00000005", name_zh="一年機關", response_days=365,
                                    actor=SYSTEM)
    assert agency.response_days == 365 and stored("R00000005") is agency
