"""The consultation desk over HTTP: a question from an agency's staff, the authority's answer, both
sides' consent and the anonymised guidance on /guidance; every role that must be refused; mail that
carries a link and never the question or the answer."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from civic.consultations.models import Consultation
from civic.core.audit import AuditEntry
from civic.core.roles import Role
from civic.extensions import db
from civic.notifications.worker import deliver_pending
from tests.cases import factories as case_factories
from tests.conftest import make_account
from tests.consultations.conftest import (
    ANSWER,
    QUESTION,
    answer,
    ask,
    case_id,
    count,
    latest_id,
    signed_in,
    write_guidance,
)
from tests.support import Mailbox, post_form


def deliver(app) -> None:
    with app.app_context():
        deliver_pending(db.session)


def stored(app, consultation_id: int) -> Consultation:
    with app.app_context():
        return db.session.get(Consultation, consultation_id)


def actions(app, consultation_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.target_type == "consultation", AuditEntry.target_id == str(consultation_id))
            .order_by(AuditEntry.id)))


def test_a_question_answered_and_agreed_on_is_published_only_as_its_anonymised_texts(
        app, client, staff, admin, staff_client, admin_client, mailbox):
    assert ask(staff_client, agree="y").status_code == 302
    consultation_id = latest_id(app)
    deliver(app)
    [asked_mail] = mailbox.to(admin.email)
    assert QUESTION[:10] not in Mailbox.text(asked_mail) and QUESTION[:10] not in asked_mail.as_string()
    assert mailbox.link(asked_mail, "/admin/consultations/") == f"/admin/consultations/{consultation_id}"
    assert QUESTION in admin_client.get(f"/admin/consultations/{consultation_id}").get_data(as_text=True)

    assert answer(admin_client, consultation_id).status_code == 302
    deliver(app)
    [answered_mail] = mailbox.to(staff.email)
    assert ANSWER[:10] not in Mailbox.text(answered_mail) and ANSWER[:10] not in answered_mail.as_string()
    assert mailbox.link(answered_mail, "/staff/consult/") == f"/staff/consult/{consultation_id}"
    assert ANSWER in staff_client.get(f"/staff/consult/{consultation_id}").get_data(as_text=True)

    assert client.get(f"/guidance/{consultation_id}").status_code == 404
    assert write_guidance(admin_client, consultation_id).status_code == 302
    publish = post_form(admin_client, f"/admin/consultations/{consultation_id}/publish", {},
                        form_page=f"/admin/consultations/{consultation_id}")
    assert publish.status_code == 302
    assert stored(app, consultation_id).is_published

    for locale in ("zh_Hant_TW", "en"):
        listing = client.get(f"/guidance?lang={locale}").get_data(as_text=True)
        page = client.get(f"/guidance/{consultation_id}").get_data(as_text=True)
        assert "廠商邀宴可否出席" in listing and "原則不得參加" in page
        for private in (QUESTION, ANSWER, "萬大線", "測試機關", "A00000001", "staff@", staff.email):
            assert private not in listing and private not in page
    assert "廠商邀宴可否出席" in client.get("/guidance", query_string={"q": "酒會"}).get_data(as_text=True)
    assert "廠商邀宴可否出席" not in client.get("/guidance", query_string={"q": "%"}).get_data(as_text=True)
    assert "廠商邀宴可否出席" not in client.get("/guidance", query_string={"q": "_"}).get_data(as_text=True)
    assert actions(app, consultation_id) == ["consultation.asked", "consultation.answered",
                                             "consultation.guidance_written", "consultation.consent_changed",
                                             "consultation.published"]

    post_form(admin_client, f"/admin/consultations/{consultation_id}/unpublish", {},
              form_page=f"/admin/consultations/{consultation_id}")
    assert client.get(f"/guidance/{consultation_id}").status_code == 404
    assert actions(app, consultation_id)[-1] == "consultation.unpublished"


def test_consent_withdrawn_before_publication_blocks_publishing(app, client, staff_client, admin_client, asked):
    answer(admin_client, asked)
    write_guidance(admin_client, asked)
    withdraw = post_form(staff_client, f"/staff/consult/{asked}/consent", {"agrees": "no"},
                         form_page=f"/staff/consult/{asked}")
    assert withdraw.status_code == 302
    assert not stored(app, asked).asker_agrees_to_publish
    assert "consultation.consent_changed" in actions(app, asked)
    post_form(admin_client, f"/admin/consultations/{asked}/publish", {}, form_page=f"/admin/consultations/{asked}")
    assert not stored(app, asked).is_published
    assert client.get(f"/guidance/{asked}").status_code == 404
    assert "廠商邀宴可否出席" not in client.get("/guidance").get_data(as_text=True)


def test_without_the_authoritys_texts_nothing_is_published(app, admin_client, asked):
    answer(admin_client, asked)
    write_guidance(admin_client, asked, guidance_answer="")
    post_form(admin_client, f"/admin/consultations/{asked}/publish", {}, form_page=f"/admin/consultations/{asked}")
    assert not stored(app, asked).is_published


def test_any_staff_member_of_the_asking_agency_follows_the_question(app, asked):
    colleague = make_account(app, "colleague@agency-a.gov.tw", Role.staff, agency_code="A00000001")
    client = signed_in(app, colleague)
    assert QUESTION in client.get(f"/staff/consult/{asked}").get_data(as_text=True)
    assert QUESTION[:20] in client.get("/staff/consult").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(app, client, asked):
    for path in ("/staff/consult", f"/staff/consult/{asked}", "/admin/consultations", f"/admin/consultations/{asked}"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    response = client.post("/staff/consult", data={"question": "x"})
    assert response.status_code in (302, 400)
    assert count(app) == 1


@pytest.mark.parametrize("role", ["citizen", "supplier", "moderator", "admin"])
def test_only_agency_staff_reach_the_desk(app, request, role, asked):
    client = signed_in(app, request.getfixturevalue(role))
    assert client.get("/staff/consult").status_code == 403
    assert client.get(f"/staff/consult/{asked}").status_code == 403
    assert post_form(client, "/staff/consult", {"question": QUESTION}, form_page="/account").status_code == 403
    assert post_form(client, f"/staff/consult/{asked}/consent", {"agrees": "no"},
                     form_page="/account").status_code == 403
    assert count(app) == 1 and stored(app, asked).asker_agrees_to_publish


def test_staff_of_another_agency_neither_read_nor_answer(app, other_agency_staff, asked):
    client = signed_in(app, other_agency_staff)
    assert client.get(f"/staff/consult/{asked}").status_code == 404
    assert QUESTION[:20] not in client.get("/staff/consult").get_data(as_text=True)
    assert post_form(client, f"/staff/consult/{asked}/consent", {"agrees": "no"},
                     form_page="/staff/consult").status_code == 404
    assert client.get(f"/admin/consultations/{asked}").status_code == 403
    assert post_form(client, f"/admin/consultations/{asked}/answer", {"answer": "可以"},
                     form_page="/staff/consult").status_code == 403
    assert stored(app, asked).asker_agrees_to_publish and not stored(app, asked).is_answered


@pytest.mark.parametrize("role", ["staff", "citizen", "moderator"])
def test_only_the_authority_answers(app, request, role, asked):
    client = signed_in(app, request.getfixturevalue(role))
    assert client.get("/admin/consultations").status_code == 403
    assert client.get(f"/admin/consultations/{asked}").status_code == 403
    for action, data in (("answer", {"answer": "可以"}), ("guidance", {"guidance_title": "x", "agrees": "y"}),
                         ("publish", {}), ("unpublish", {})):
        response = post_form(client, f"/admin/consultations/{asked}/{action}", data, form_page="/account")
        assert response.status_code == 403
    consultation = stored(app, asked)
    assert not consultation.is_answered and not consultation.authority_agrees_to_publish


def shown(app, response, locale: str, message: str, **values) -> bool:
    with app.test_request_context(), force_locale(locale):
        return gettext(message, **values) in response.get_data(as_text=True)


@pytest.fixture
def other_agency_case(app, other_agency_staff) -> int:
    slug = case_factories.apply(app, other_agency_staff, slug="kaohsiung-light-rail", title_zh="高雄輕軌")
    return case_id(app, slug)


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_a_question_with_every_problem_shows_each_and_saves_nothing(app, staff_client, other_agency_case, locale):
    staff_client.get(f"/?lang={locale}")
    response = ask(staff_client, "", case=str(other_agency_case), stage="bribery")
    assert response.status_code == 422
    assert shown(app, response, locale, "Enter your question.")
    assert shown(app, response, locale, "Choose one of your agency's cases, or none.")
    assert shown(app, response, locale, "Choose a stage of the procurement, or none.")
    too_long = ask(staff_client, "問" * 5001)
    assert too_long.status_code == 422
    assert shown(app, too_long, locale, "At most %(max)d characters.", max=5000)
    assert ask(staff_client, "可否\x00出席").status_code == 400
    assert count(app) == 0


def test_a_question_about_the_agencys_own_case_and_stage_is_kept(app, staff_client, published_case):
    own = case_id(app, published_case)
    assert ask(staff_client, case=str(own), stage="tendering").status_code == 302
    consultation = stored(app, latest_id(app))
    assert consultation.case_id == own and consultation.stage == "tendering"
    assert not consultation.asker_agrees_to_publish


@pytest.mark.parametrize("locale", ["zh_Hant_TW", "en"])
def test_an_empty_answer_is_refused_in_the_pages_language(app, admin_client, asked, locale):
    admin_client.get(f"/?lang={locale}")
    response = answer(admin_client, asked, "")
    assert response.status_code == 422
    assert shown(app, response, locale, "Enter the answer.")
    assert not stored(app, asked).is_answered


def test_the_lists_run_the_same_queries_however_many_rows(app, client, staff_client, admin_client, count_queries):
    def publish_one(number: int) -> None:
        ask(staff_client, f"第{number}個問題", agree="y")
        consultation_id = latest_id(app)
        answer(admin_client, consultation_id)
        write_guidance(admin_client, consultation_id, guidance_title=f"指引{number}")
        post_form(admin_client, f"/admin/consultations/{consultation_id}/publish", {},
                  form_page=f"/admin/consultations/{consultation_id}")

    publish_one(1)
    pages = [(staff_client, "/staff/consult"), (admin_client, "/admin/consultations"), (client, "/guidance")]
    few = []
    for who, path in pages:
        with count_queries() as statements:
            assert who.get(path).status_code == 200
        few.append(len(statements))
    for number in range(2, 6):
        publish_one(number)
    for (who, path), before in zip(pages, few, strict=True):
        with count_queries() as statements:
            assert who.get(path).status_code == 200
        assert len(statements) == before, path
