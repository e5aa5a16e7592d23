"""A company's integrity self-assessment: its confirmed representatives answer the current
questionnaire, the company page shows the latest answers in the words of the version answered, an
administrator publishes new versions; every refusal saves nothing. Over HTTP on both databases."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from civic.accounts.models import CompanyRepresentative, User
from civic.accounts.services import CompanyInput, get_or_create_company
from civic.core.errors import Conflict, DomainError, PermissionDenied
from civic.core.time import utcnow
from civic.extensions import db
from civic.pledges import default_text, services
from civic.pledges.models import AssessmentQuestionnaire, CompanyAssessment
from tests.support import login, post_form

UBN = "90000006"  # the supplier fixture's confirmed company
PAGE = f"/companies/{UBN}/self-assessment"
KEYS = [question["key"] for question in default_text.QUESTIONS]


def page_of(response) -> str:
    return response.get_data(as_text=True)


def answers(version: int = 1, **changed: str) -> dict[str, str]:
    data = {"version": str(version)}
    for key in KEYS:
        data[f"answer_{key}"] = "yes"
        data[f"note_{key}"] = ""
    data.update(changed)
    return data


def count_assessments(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(CompanyAssessment.id)))


def publish(app, admin, questions: list[dict[str, str]]) -> None:
    with app.test_request_context():
        services.publish_questionnaire(db.session, [services.Question(**q) for q in questions],
                                       actor=db.session.get(User, admin.id))
        db.session.commit()


@pytest.fixture
def questionnaire(app, admin):
    publish(app, admin, default_text.QUESTIONS)


@pytest.fixture
def representative(app, supplier, questionnaire):
    client = app.test_client()
    login(client, supplier)
    return client


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["誠信自評", "部分符合", "本公司訂有書面之誠信經營守則", "未經本平臺查證", "第 1 版", "已辦理主管講習"]),
    ("en", ["Integrity self-assessment", "Partly", "The company has a written code of conduct",
            "has not verified them", "version 1", "已辦理主管講習"]),
])
def test_a_representative_answers_and_the_company_page_shows_it(app, representative, lang, words):
    form = page_of(representative.get(f"{PAGE}?lang={lang}"))
    assert 'name="answer_training"' in form and 'value="partly"' in form
    response = post_form(representative, PAGE, answers(answer_training="partly", note_training="已辦理主管講習"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/companies/{UBN}#self-assessment")
    page = page_of(app.test_client().get(f"/companies/{UBN}?lang={lang}"))
    for word in words:
        assert word in page, word
    assert "<time" in page.split('id="self-assessment"')[1]
    # Only representatives see the link to answer; the answers are public.
    assert PAGE not in page
    assert PAGE in page_of(representative.get(f"/companies/{UBN}"))


def test_a_later_submission_is_shown_and_the_earlier_ones_are_dated(app, representative):
    assert post_form(representative, PAGE, answers(answer_leadership="no")).status_code == 302
    assert post_form(representative, PAGE, answers(answer_leadership="partly")).status_code == 302
    page = page_of(app.test_client().get(f"/companies/{UBN}?lang=en"))
    section = page.split('id="self-assessment"')[1].split('id="contracts"')[0]
    assert "Earlier self-assessments" in section and section.count("<time") == 2
    latest, earlier = section.split('class="govuk-details"', 1)
    assert ">Partly<" in latest and ">No<" not in latest
    # The earlier answers stay public, folded under their date.
    assert ">No<" in earlier
    assert count_assessments(app) == 2


@pytest.mark.parametrize(("changed", "status", "message"), [
    ({"answer_training": ""}, 422, "第 3 題：請回答「是」、「部分符合」或「否」。"),
    ({"answer_training": "maybe"}, 422, "第 3 題：請回答「是」、「部分符合」或「否」。"),
    ({"note_training": "字" * 501}, 422, "最多 500 個字"),
])
def test_missing_or_invalid_answers_are_refused_and_nothing_is_saved(app, representative, changed, status,
                                                                      message):
    response = post_form(representative, PAGE, answers(**changed))
    assert response.status_code == status
    assert message in page_of(response)
    assert count_assessments(app) == 0


def test_the_service_checks_every_answer_itself(app, ctx, supplier, questionnaire):
    actor = db.session.get(User, supplier.id)
    company = services.company_by_ubn(db.session, UBN)
    given = {key: services.Answer("yes") for key in KEYS}
    for wrong in ({**given, "training": services.Answer("maybe")}, {**given, "unknown": services.Answer("yes")},
                  {k: v for k, v in given.items() if k != "training"},
                  {**given, "training": services.Answer("yes", "字" * 501)}):
        with pytest.raises(DomainError):
            services.submit_assessment(db.session, company, version=1, answers=wrong, actor=actor)
    assert db.session.scalar(select(func.count(CompanyAssessment.id))) == 0


def test_answers_to_a_version_no_longer_current_are_refused(app, representative, admin, supplier):
    opened = page_of(representative.get(PAGE))
    assert re.search(r'<input[^>]*name="version"[^>]*value="1"', opened)
    publish(app, admin, [*default_text.QUESTIONS, {"key": "sanctions", "text_zh": "本公司未曾遭停權。",
                                                  "text_en": "The company has never been debarred."}])
    response = post_form(representative, PAGE, answers(version=1))
    page = page_of(response)
    assert response.status_code == 422
    assert "第 2 版" in page and "沒有儲存" in page
    assert "本公司未曾遭停權。" in page and re.search(r'<input[^>]*name="version"[^>]*value="2"', page)
    assert count_assessments(app) == 0
    with app.test_request_context(), pytest.raises(Conflict):
        services.submit_assessment(db.session, services.company_by_ubn(db.session, UBN), version=1,
                                   answers={key: services.Answer("yes") for key in KEYS},
                                   actor=db.session.get(User, supplier.id))


def test_only_the_companys_confirmed_representatives_may_answer(app, questionnaire, supplier, citizen,
                                                                 other_citizen):
    with app.test_request_context():
        get_or_create_company(db.session, CompanyInput(ubn="90000012", name="別家公司"), actor_id=None)
        services.claim_company(db.session, db.session.get(User, citizen.id), ubn=UBN, name="測試公司")
        db.session.commit()
    anonymous = app.test_client()
    assert anonymous.get(PAGE).status_code == 302
    assert post_form(anonymous, PAGE, answers(), form_page="/login").status_code == 302
    unconfirmed, stranger, elsewhere = app.test_client(), app.test_client(), app.test_client()
    login(unconfirmed, citizen)
    login(stranger, other_citizen)
    login(elsewhere, supplier)
    for client in (unconfirmed, stranger):
        assert client.get(PAGE).status_code == 403
        assert post_form(client, PAGE, answers(), form_page=f"/companies/{UBN}").status_code == 403
    # The supplier represents 90000006, not 90000012.
    other = "/companies/90000012/self-assessment"
    assert elsewhere.get(other).status_code == 403
    assert post_form(elsewhere, other, answers(), form_page="/companies/90000012").status_code == 403
    assert elsewhere.get("/companies/12345678/self-assessment").status_code == 404
    with app.test_request_context():
        company = services.company_by_ubn(db.session, "90000012")
        with pytest.raises(PermissionDenied):
            services.submit_assessment(db.session, company, version=1,
                                       answers={key: services.Answer("yes") for key in KEYS},
                                       actor=db.session.get(User, supplier.id))
    assert count_assessments(app) == 0
    # Once an administrator confirms the claim, the person may answer.
    with app.app_context():
        claim = db.session.scalar(select(CompanyRepresentative).where(CompanyRepresentative.user_id == citizen.id))
        claim.confirmed_at = utcnow()
        db.session.commit()
    assert post_form(unconfirmed, PAGE, answers()).status_code == 302


def test_an_admin_publishes_a_new_version_and_old_answers_keep_their_words(app, representative, admin, citizen):
    assert post_form(representative, PAGE, answers()).status_code == 302
    client = app.test_client()
    login(client, admin)
    form = page_of(client.get("/admin/pledges/self-assessment"))
    assert "code_of_conduct | 本公司訂有書面之誠信經營守則" in form
    response = post_form(client, "/admin/pledges/self-assessment", {"questions": "只有一題，沒有代碼"})
    assert response.status_code == 422 and "代碼 | 中文 | English" in page_of(response)
    response = post_form(client, "/admin/pledges/self-assessment",
                         {"questions": "a | 甲 | A\na | 乙 | B"})
    assert response.status_code == 422 and "代碼 a 重複了" in page_of(response)
    # The current questions published again as they stand make no new version.
    current = form.split('name="questions"')[1].split(">", 1)[1].split("</textarea>")[0]
    response = post_form(client, "/admin/pledges/self-assessment", {"questions": html.unescape(current)})
    assert response.status_code == 422 and "與第 1 版完全相同" in page_of(response)
    response = post_form(client, "/admin/pledges/self-assessment",
                         {"questions": "code_of_conduct | 貴公司有行為準則嗎？ | Do you have a code of conduct?\n"
                                       "hotline | 有檢舉專線嗎？ |"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.max(AssessmentQuestionnaire.version))) == 2
    page = page_of(app.test_client().get(f"/companies/{UBN}"))
    assert "本公司訂有書面之誠信經營守則" in page and "貴公司有行為準則嗎" not in page and "第 1 版" in page
    # The representative now answers version 2, which the page shows instead.
    new = page_of(representative.get(PAGE))
    assert "貴公司有行為準則嗎" in new and "本公司訂有書面之誠信經營守則" not in new
    response = post_form(representative, PAGE, {"version": "2", "answer_code_of_conduct": "yes",
                                                 "answer_hotline": "no"})
    assert response.status_code == 302
    page = page_of(app.test_client().get(f"/companies/{UBN}"))
    assert "貴公司有行為準則嗎" in page and "第 2 版" in page
    trail = page_of(client.get("/admin/audit?lang=en"))
    assert "Self-assessment questionnaire published" in trail and "Integrity self-assessment answered" in trail
    # Only administrators reach the questionnaire.
    other = app.test_client()
    login(other, citizen)
    assert other.get("/admin/pledges/self-assessment").status_code in (403, 404)


def test_the_company_page_runs_a_fixed_number_of_queries(app, representative, count_queries):
    assert post_form(representative, PAGE, answers()).status_code == 302
    client = app.test_client()
    with count_queries() as few:
        client.get(f"/companies/{UBN}")
    for _ in range(4):
        assert post_form(representative, PAGE, answers(answer_training="no")).status_code == 302
    with count_queries() as many:
        page = page_of(client.get(f"/companies/{UBN}"))
    assert page.split('id="self-assessment"')[1].count('class="govuk-details"') == 4
    assert len(many) <= len(few)


def test_the_form_starts_from_the_companys_latest_answers(app, representative):
    sent = answers(answer_training="partly", note_training="已辦理主管講習")
    assert post_form(representative, PAGE, sent).status_code == 302
    form = page_of(representative.get(PAGE))
    training = form.split('name="answer_training"')
    assert any('value="partly"' in part[:120] and "checked" in part[:120] for part in training[1:])
    assert "已辦理主管講習" in form
