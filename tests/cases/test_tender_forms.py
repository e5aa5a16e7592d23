"""A case's tenders over HTTP: the parts pages, the case edit form's two tender fields, and the
contract form's choice of tender; who may use them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from civic.accounts.models import User
from civic.cases import parts, queries
from civic.cases.models import CaseTender
from civic.core.errors import DomainError
from civic.extensions import db
from tests.cases.factories import CASE_FORM, apply
from tests.support import login, post_form, signed_in

TENDER = {"unit_id": "3.76.47", "job_number": "CQ850-2026"}
SAY_WHY = "請說明修改已公開案件的理由"


def page_of(response) -> str:
    return response.get_data(as_text=True)


def tenders_of(app, slug: str) -> list[tuple[str, str]]:
    with app.app_context():
        case = queries.get_case_with_parts(db.session, slug)
        return [(t.unit_id, t.job_number) for t in case.tenders]


def tender_id(app, slug: str, index: int = 0) -> int:
    with app.app_context():
        return queries.get_case_with_parts(db.session, slug).tenders[index].id


def add_tender(app, account, slug: str, unit_id: str = "3.76.47", job_number: str = "CQ850-2026") -> int:
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, slug)
        tender = parts.add_tender(case, parts.TenderInput(unit_id, job_number),
                                  actor=db.session.get(User, account.id))
        db.session.commit()
        return tender.id


# The parts pages


def test_staff_add_change_and_remove_a_tender(app, client, staff, published_case):
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    form = page_of(client.get(f"{base}/tenders/new"))
    assert "採購網機關代碼" in form and "例如 3.76.47" in form and "無法在此編輯" in form
    assert 'name="reason"' not in form
    response = post_form(client, f"{base}/tenders/new", TENDER)
    assert response.status_code == 302 and response.headers["Location"].endswith("#tenders")
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2026")]
    manage = page_of(client.get(base))
    assert 'id="tenders"' in manage and "CQ850-2026" in manage and "3.76.47" in manage
    assert "無法在此編輯" in manage

    number = tender_id(app, published_case)
    edit = f"{base}/tenders/{number}/edit"
    assert 'value="CQ850-2026"' in page_of(client.get(edit))
    changed = {"unit_id": "3.76.47", "job_number": "CQ850-2027"}
    refused = post_form(client, edit, changed)
    assert refused.status_code == 422 and SAY_WHY in page_of(refused)
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2026")]
    assert post_form(client, edit, {**changed, "reason": "案號誤植"}).status_code == 302
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2027")]

    remove = f"{base}/tenders/{number}/delete"
    confirm = page_of(client.get(remove))
    assert "CQ850-2027" in confirm and 'name="reason"' in confirm
    assert post_form(client, remove, {}, form_page=remove).status_code == 422
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2027")]
    assert post_form(client, remove, {"reason": "非本案標案"}, form_page=remove).status_code == 302
    assert tenders_of(app, published_case) == []
    page = page_of(client.get(f"/cases/{published_case}"))
    assert "非本案標案" in page and "案號誤植" in page


def test_an_unpublished_case_changes_its_tenders_without_a_reason(app, client, staff, application):
    login(client, staff)
    base = f"/manage/cases/{application}"
    assert post_form(client, f"{base}/tenders/new", {"unit_id": "A.17.2.1", "job_number": "1130001"}).status_code == 302
    number = tender_id(app, application)
    assert post_form(client, f"{base}/tenders/{number}/edit",
                     {"unit_id": "A.17.2.1", "job_number": "1130002"}).status_code == 302
    remove = f"{base}/tenders/{number}/delete"
    assert post_form(client, remove, {}, form_page=remove).status_code == 302
    assert tenders_of(app, application) == []


@pytest.mark.parametrize(
    ("data", "messages"),
    [({"unit_id": "", "job_number": ""}, ["請輸入政府電子採購網上的機關代碼。", "請輸入標案案號。"]),
     ({"unit_id": "3 76 47", "job_number": "CQ 850"}, ["例如 3.76.47 或 A.17.2.1", "不含空格"]),
     ({"unit_id": "3.76.47", "job_number": "<script>"}, ["不含空格"]),
     ({"unit_id": "機關", "job_number": "CQ850"}, ["例如 3.76.47 或 A.17.2.1"]),
     ({"unit_id": "3.76.47", "job_number": "x" * 101}, ["最多 100 個字"]),
     # In the system's shape, but longer than the column holds.
     ({"unit_id": "1234" + ".123456" * 6, "job_number": "CQ850"}, ["機關代碼最多 40 個字元"])],
)
def test_bad_tender_shapes_are_explained_at_once_and_store_nothing(app, client, staff, published_case, data,
                                                                   messages):
    login(client, staff)
    response = post_form(client, f"/manage/cases/{published_case}/tenders/new", data)
    assert response.status_code == 422
    page = page_of(response)
    assert "有問題需要修正" in page
    for message in messages:
        assert message in page, message
    assert tenders_of(app, published_case) == []


def test_a_tender_is_on_a_case_once(app, client, staff, published_case):
    first = add_tender(app, staff, published_case)
    add_tender(app, staff, published_case, job_number="CQ851")
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    response = post_form(client, f"{base}/tenders/new", {"unit_id": " 3.76.47 ", "job_number": "CQ850-2026"})
    assert response.status_code == 422 and "本案已登錄這個標案。" in page_of(response)
    response = post_form(client, f"{base}/tenders/{first}/edit",
                         {"unit_id": "3.76.47", "job_number": "CQ851", "reason": "改號"})
    assert response.status_code == 422 and "本案已登錄這個標案。" in page_of(response)
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2026"), ("3.76.47", "CQ851")]


def test_the_manage_page_shows_what_was_imported(app, client, staff, published_case):
    number = add_tender(app, staff, published_case)
    login(client, staff)
    page = page_of(client.get(f"/manage/cases/{published_case}"))
    assert "尚未" in page
    with app.app_context():
        tender = db.session.get(CaseTender, number)
        tender.unit_name, tender.synced_at = "臺北市政府捷運工程局", datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
        tender.sync_problem = "查無此標案"
        db.session.commit()
    page = page_of(client.get(f"/manage/cases/{published_case}"))
    assert "臺北市政府捷運工程局" in page and "問題：查無此標案" in page and "10:30" in page
    english = page_of(client.get(f"/manage/cases/{published_case}?lang=en"))
    assert "Procuring entity" in english and "Problem: 查無此標案" in english


# The case edit form


def test_staff_add_a_tender_with_the_case_edit_form(app, client, staff, published_case):
    login(client, staff)
    edit = f"/manage/cases/{published_case}/edit"
    form = page_of(client.get(edit))
    assert "新增標案" in form and 'name="tender_unit_id"' in form and 'name="tender_job_number"' in form
    # Nothing else changes, so a published case needs no reason for an added tender.
    response = post_form(client, edit, {**CASE_FORM, "tender_unit_id": "3.76.47",
                                        "tender_job_number": "CQ850-2026"})
    assert response.status_code == 302
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2026")]
    assert post_form(client, edit, CASE_FORM).status_code == 302
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2026")]


@pytest.mark.parametrize(
    ("tender", "message"),
    [({"tender_unit_id": "3.76.47"}, "要新增標案，請同時填寫機關代碼與標案案號"),
     ({"tender_job_number": "CQ850-2026"}, "要新增標案，請同時填寫機關代碼與標案案號"),
     ({"tender_unit_id": "3/76/47", "tender_job_number": "CQ850-2026"}, "例如 3.76.47 或 A.17.2.1"),
     ({"tender_unit_id": "3.76.47", "tender_job_number": "CQ 850"}, "不含空格")],
)
def test_the_case_edit_form_refuses_half_or_bad_tenders_and_stores_nothing(app, client, staff, published_case,
                                                                          tender, message):
    login(client, staff)
    response = post_form(client, f"/manage/cases/{published_case}/edit",
                         {**CASE_FORM, "title_zh": "臺北捷運萬大線第一期", "reason": "更名", **tender})
    assert response.status_code == 422
    page = page_of(response)
    assert message in page and "有問題需要修正" in page
    with app.app_context():
        case = queries.get_case_with_parts(db.session, published_case)
        assert case.title_zh == "臺北捷運萬大線" and case.tenders == []


def test_the_case_edit_form_explains_in_english_too(app, client, staff, published_case):
    login(client, staff)
    response = post_form(client, f"/manage/cases/{published_case}/edit?lang=en",
                         {**CASE_FORM, "tender_job_number": "CQ850-2026"})
    assert response.status_code == 422
    assert "To add a tender, enter both its agency code and its case number" in page_of(response)


def test_a_duplicate_tender_on_the_case_edit_form_stores_nothing(app, client, staff, published_case):
    add_tender(app, staff, published_case)
    login(client, staff)
    response = post_form(client, f"/manage/cases/{published_case}/edit", {
        **CASE_FORM, "title_zh": "臺北捷運萬大線第一期", "reason": "更名",
        "tender_unit_id": "3.76.47", "tender_job_number": "CQ850-2026"})
    assert response.status_code == 422
    page = page_of(response)
    assert "本案已登錄這個標案。" in page and 'id="tender_job_number-error"' in page
    with app.app_context():
        case = queries.get_case_with_parts(db.session, published_case)
        assert case.title_zh == "臺北捷運萬大線" and len(case.tenders) == 1


def test_a_changed_published_case_still_needs_a_reason_with_a_tender(app, client, staff, published_case):
    login(client, staff)
    data = {**CASE_FORM, "title_zh": "臺北捷運萬大線第一期", "tender_unit_id": "3.76.47",
            "tender_job_number": "CQ850-2026"}
    response = post_form(client, f"/manage/cases/{published_case}/edit", data)
    assert response.status_code == 422 and SAY_WHY in page_of(response)
    assert tenders_of(app, published_case) == []
    assert post_form(client, f"/manage/cases/{published_case}/edit", {**data, "reason": "更名"}).status_code == 302
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2026")]


# Who may


def test_other_agencies_staff_are_refused_every_tender_page(app, other_agency_staff, staff, published_case,
                                                            application):
    number = add_tender(app, staff, published_case)
    client = signed_in(app, other_agency_staff)
    base = f"/manage/cases/{published_case}"
    for path in [f"{base}/tenders/new", f"{base}/tenders/{number}/edit", f"{base}/tenders/{number}/delete"]:
        assert client.get(path).status_code == 403, path
    assert post_form(client, f"{base}/tenders/new", {"unit_id": "3.76.47", "job_number": "X1"},
                     form_page="/").status_code == 403
    assert post_form(client, f"{base}/tenders/{number}/edit", {**TENDER, "reason": "x"},
                     form_page="/").status_code == 403
    assert post_form(client, f"{base}/tenders/{number}/delete", {"reason": "x"}, form_page="/").status_code == 403
    assert post_form(client, f"{base}/edit", {**CASE_FORM, "tender_unit_id": "3.76.47",
                                              "tender_job_number": "X2"}, form_page="/").status_code == 403
    # An unpublished case is not there at all for them.
    assert client.get(f"/manage/cases/{application}/tenders/new").status_code == 404
    assert post_form(client, f"/manage/cases/{application}/tenders/new", TENDER, form_page="/").status_code == 404
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2026")]
    assert tenders_of(app, application) == []


def test_citizens_and_anonymous_visitors_cannot_touch_tenders(app, citizen, staff, published_case):
    number = add_tender(app, staff, published_case)
    base = f"/manage/cases/{published_case}"
    client = signed_in(app, citizen)
    for path in [f"{base}/tenders/new", f"{base}/tenders/{number}/edit", f"{base}/tenders/{number}/delete"]:
        assert client.get(path).status_code == 403, path
    assert post_form(client, f"{base}/tenders/new", {"unit_id": "3.76.47", "job_number": "X1"},
                     form_page="/").status_code == 403
    assert post_form(client, f"{base}/tenders/{number}/delete", {"reason": "x"}, form_page="/").status_code == 403
    anonymous = app.test_client()
    for path in [f"{base}/tenders/new", f"{base}/tenders/{number}/edit", f"{base}/tenders/{number}/delete"]:
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    response = post_form(anonymous, f"{base}/tenders/new", {"unit_id": "3.76.47", "job_number": "X1"},
                         form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert tenders_of(app, published_case) == [("3.76.47", "CQ850-2026")]


def test_admins_keep_any_case_tenders(app, admin, published_case):
    client = signed_in(app, admin)
    base = f"/manage/cases/{published_case}"
    assert post_form(client, f"{base}/tenders/new", TENDER).status_code == 302
    number = tender_id(app, published_case)
    assert post_form(client, f"{base}/tenders/{number}/edit",
                     {"unit_id": "3.76.48", "job_number": "CQ850-2026", "reason": "機關代碼更正"}).status_code == 302
    assert post_form(client, f"{base}/edit", {**CASE_FORM, "tender_unit_id": "A.17.2.1",
                                              "tender_job_number": "1130001"}).status_code == 302
    assert tenders_of(app, published_case) == [("3.76.48", "CQ850-2026"), ("A.17.2.1", "1130001")]
    remove = f"{base}/tenders/{number}/delete"
    assert post_form(client, remove, {"reason": "重複"}, form_page=remove).status_code == 302
    assert tenders_of(app, published_case) == [("A.17.2.1", "1130001")]


def test_an_unknown_tender_is_404(app, client, staff, published_case):
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    assert client.get(f"{base}/tenders/999999/edit").status_code == 404
    assert client.get(f"{base}/tenders/999999/delete").status_code == 404


# Contracts under a tender


CONTRACT = {"title": "CQ850 標", "tender_number": "CQ850-2026", "ubn": "90000006", "company_name": "示範營造",
            "award_value_ntd": "1,000,000", "awarded_on": "2024-01-10"}


def test_a_contract_names_one_of_the_cases_tenders(app, client, staff, published_case):
    number = add_tender(app, staff, published_case)
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    form = page_of(client.get(f"{base}/contracts/new"))
    assert 'name="tender"' in form and f'value="{number}"' in form and "3.76.47 CQ850-2026" in form
    assert post_form(client, f"{base}/contracts/new", {**CONTRACT, "tender": str(number)}).status_code == 302
    with app.app_context():
        contract = queries.get_case_with_parts(db.session, published_case).contracts[0]
        assert contract.tender_id == number
    edit = f"{base}/contracts/{contract.id}/edit"
    assert f'value="{number}" selected' in page_of(client.get(edit))
    assert post_form(client, edit, {**CONTRACT, "tender": "", "reason": "決標不屬此標案"}).status_code == 302
    with app.app_context():
        assert queries.get_case_with_parts(db.session, published_case).contracts[0].tender_id is None


def test_a_contract_is_refused_another_cases_tender(app, client, staff, admin, published_case):
    other = apply(app, staff, slug="other-case", title_zh="另一案")
    elsewhere = add_tender(app, staff, other, job_number="OTHER-1")
    login(client, staff)
    for value in [str(elsewhere), "abc"]:
        response = post_form(client, f"/manage/cases/{published_case}/contracts/new", {**CONTRACT, "tender": value})
        assert response.status_code == 422 and "請從本案已登錄的標案中選擇。" in page_of(response)
    with app.test_request_context():
        case = queries.get_case_with_parts(db.session, published_case)
        assert case.contracts == []
        data = parts.ContractInput(title="標", ubn="90000006", company_name="示範營造", award_value_ntd=1,
                                   tender_id=elsewhere)
        with pytest.raises(DomainError) as refused:
            parts.add_contract(case, data, actor=db.session.get(User, admin.id))
        assert refused.value.field == "tender"
        db.session.rollback()


def test_removing_a_tender_leaves_its_contract_without_one(app, client, staff, published_case):
    number = add_tender(app, staff, published_case)
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    assert post_form(client, f"{base}/contracts/new", {**CONTRACT, "tender": str(number)}).status_code == 302
    remove = f"{base}/tenders/{number}/delete"
    assert post_form(client, remove, {"reason": "非本案標案"}, form_page=remove).status_code == 302
    with app.app_context():
        case = queries.get_case_with_parts(db.session, published_case)
        assert case.tenders == [] and case.contracts[0].tender_id is None
        contract_id = case.contracts[0].id
    assert client.get(f"{base}/contracts/{contract_id}/edit").status_code == 200
