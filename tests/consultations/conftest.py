"""Fixtures of the consultation tests: signed-in clients and questions asked over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from civic.cases.models import Case
from civic.consultations.models import Consultation
from civic.extensions import db
from tests.support import post_form, signed_in

QUESTION = "廠商邀請本課承辦人參加開工酒會並致贈禮品，可否出席？本案為萬大線機電標。"
ANSWER = "依公務員廉政倫理規範，與職務有利害關係者之飲宴應酬原則不得參加；請簽報長官並知會政風單位。"


@pytest.fixture
def staff_client(app, staff):
    return signed_in(app, staff)


@pytest.fixture
def admin_client(app, admin):
    return signed_in(app, admin)


def ask(client, question: str = QUESTION, **fields):
    return post_form(client, "/staff/consult", {"question": question, "case": "", "stage": "", **fields})


def latest_id(app) -> int | None:
    with app.app_context():
        return db.session.scalar(select(func.max(Consultation.id)))


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Consultation.id)))


def case_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Case.id).where(Case.slug == slug))


@pytest.fixture
def asked(app, staff_client) -> int:
    """A question of staff's agency, its asker agreeing to publication."""
    response = ask(staff_client, agree="y")
    assert response.status_code == 302
    return latest_id(app)


def answer(client, consultation_id: int, text: str = ANSWER):
    return post_form(client, f"/admin/consultations/{consultation_id}/answer", {"answer": text},
                     form_page=f"/admin/consultations/{consultation_id}")


def write_guidance(client, consultation_id: int, *, agrees: bool = True, **texts):
    data = {"guidance_title": "廠商邀宴可否出席", "guidance_question": "廠商邀請承辦人參加酒會並致贈禮品，可否出席？",
            "guidance_answer": "原則不得參加，應簽報長官並知會政風單位。", **texts}
    if agrees:
        data["agrees"] = "y"
    return post_form(client, f"/admin/consultations/{consultation_id}/guidance", data,
                     form_page=f"/admin/consultations/{consultation_id}")
