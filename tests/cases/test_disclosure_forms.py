"""What the CoST Infrastructure Data Standard asks beyond a case's first fields, over HTTP: the case's
preparation and completion fields, a contract's period and scope, sources of funds and contract
variations; each change in the public record, each rule explained in both languages; who may."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from civic.accounts.models import User
from civic.cases import changes, history, parts, queries
from civic.cases.models import Case, HistoryEntry
from civic.core.time import utcnow
from civic.extensions import db
from tests.cases.factories import CASE_FORM
from tests.support import login, post_form

COMPLETION = {
    "environmental_impact": "環評有條件通過，施工期間設置噪音監測站。", "land_impact": "徵收土地 3 公頃，安置 12 戶。",
    "budget_approved_on": "2018-12-20", "completed_on": "2025-06-30", "final_cost_ntd": "48,100,000,000",
    "final_scope": "全線 9.5 公里，10 座車站。", "completion_changes": "地質改良增加費用，工期展延 6 個月。",
    "status": "completed",
}
CONTRACT = {"title": "CQ850 標", "tender_number": "CQ850-2026", "ubn": "90000006", "company_name": "示範營造",
            "award_value_ntd": "1,000,000", "awarded_on": "2024-01-10", "starts_on": "2024-02-01",
            "ends_on": "2026-01-31", "scope": "土建工程及車站裝修。"}
TOMORROW = (utcnow().date() + timedelta(days=1)).isoformat()


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def load(app, slug: str) -> Case:
    return queries.get_case_with_parts(db.session, slug)


def entries(app, slug: str) -> list[tuple[str, str]]:
    """The case's record as (kind of part, action), oldest first."""
    with app.app_context():
        case = load(app, slug)
        rows = db.session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id)
                                  .order_by(HistoryEntry.seq)).all()
        return [(row.part_kind, row.action) for row in rows]


def assert_record_holds(app, slug: str) -> None:
    with app.app_context():
        assert history.verify_case(db.session, load(app, slug)) is None


def add_contract(app, account, slug: str, **values) -> int:
    with app.test_request_context():
        case = load(app, slug)
        data = parts.ContractInput(**{"title": "CQ850 標", "ubn": "90000006", "company_name": "示範營造",
                                      "award_value_ntd": 1_000_000, "starts_on": date(2024, 2, 1),
                                      "ends_on": date(2026, 1, 31), **values})
        contract = parts.add_contract(case, data, actor=db.session.get(User, account.id))
        db.session.commit()
        return contract.id


def add_variation(app, account, slug: str, contract_id: int) -> int:
    with app.test_request_context():
        case = load(app, slug)
        variation = parts.add_variation(case, parts.VariationInput(
            contract_id=contract_id, kind="value", approved_on=date(2024, 6, 1), rationale="地質改良",
            new_value_ntd=1_200_000), actor=db.session.get(User, account.id))
        db.session.commit()
        return variation.id


def add_funding(app, account, slug: str) -> int:
    with app.test_request_context():
        funding = parts.add_funding(load(app, slug), parts.FundingInput("中央補助", 30_000_000_000),
                                    actor=db.session.get(User, account.id))
        db.session.commit()
        return funding.id


# The case's preparation and completion fields


def test_staff_fill_in_preparation_and_completion(app, client, staff, published_case):
    login(client, staff)
    edit = f"/manage/cases/{published_case}/edit"
    form = page_of(client.get(edit))
    assert "準備階段：影響與預算核定" in form and "<legend" in form and 'name="final_cost_ntd"' in form
    assert "預算核定日期" in form and "金額、日期或範圍與原計畫不同的原因" in form
    english = page_of(client.get(f"{edit}?lang=en"))
    assert "Preparation: impacts and budget approval" in english and "Why cost, date or scope differ" in english
    # A published case's change needs a reason.
    assert post_form(client, edit, {**CASE_FORM, **COMPLETION}).status_code == 422
    response = post_form(client, edit, {**CASE_FORM, **COMPLETION, "reason": "完工資料"})
    assert response.status_code == 302
    with app.app_context():
        case = load(app, published_case)
        assert case.final_cost_ntd == 48_100_000_000 and case.completed_on == date(2025, 6, 30)
        assert case.budget_approved_on == date(2018, 12, 20) and case.land_impact.startswith("徵收土地")
        assert case.final_scope and case.completion_changes and case.environmental_impact
    assert entries(app, published_case)[-1] == ("case", "updated")
    assert_record_holds(app, published_case)
    page = page_of(client.get(f"/cases/{published_case}/history?lang=zh"))
    assert "決算金額" in page and "地質改良增加費用" in page
    # The form shows what is stored.
    assert 'value="2025-06-30"' in page_of(client.get(edit))


# Each bad entry with its message in Chinese and in English.
BAD_CASE_FORM = [({"completed_on": TOMORROW}, "完工日期不能是未來的日期", "it cannot be in the future"),
                 ({"status": "implementation"}, "完工日期須搭配「已完工」狀態", "goes with the status Completed"),
     ({"budget_approved_on": TOMORROW}, "預算核定日期不能是未來的日期。",
      "The budget cannot have been approved in the future."),
     ({"budget_approved_on": "2024-01-01", "completed_on": "2023-12-31"}, "完工日期不能早於預算核定日期。",
      "The project cannot be completed before its budget was approved."),
     ({"final_cost_ntd": "4.5億"}, "請輸入新臺幣整數金額", "Enter a whole number of NT dollars"),
     ({"final_cost_ntd": "0"}, "請輸入大於零的金額", "Enter an amount above zero"),
     ({"completed_on": "2025-02-30"}, "請輸入正確的日期", "Enter a real date")]


def test_the_case_form_refuses_bad_completion_fields(app, client, staff, published_case):
    login(client, staff)
    edit = f"/manage/cases/{published_case}/edit"
    for fields, zh, en in BAD_CASE_FORM:
        for path, message in [(f"{edit}?lang=zh", zh), (f"{edit}?lang=en", en)]:
            response = post_form(client, path, {**CASE_FORM, **COMPLETION, **fields, "reason": "完工資料"},
                                 form_page=edit)
            assert response.status_code == 422
            assert message in page_of(response), message
    with app.app_context():
        case = load(app, published_case)
        assert case.completed_on is None and case.final_cost_ntd is None and case.final_scope == ""
    assert entries(app, published_case)[-1] == ("case", "published")


# A contract's period and scope


def test_a_contract_keeps_its_period_and_scope(app, client, staff, published_case):
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    form = page_of(client.get(f"{base}/contracts/new"))
    assert 'name="starts_on"' in form and 'name="ends_on"' in form and 'name="scope"' in form
    assert post_form(client, f"{base}/contracts/new", CONTRACT).status_code == 302
    with app.app_context():
        contract = load(app, published_case).contracts[0]
        assert (contract.starts_on, contract.ends_on) == (date(2024, 2, 1), date(2026, 1, 31))
        assert contract.scope == "土建工程及車站裝修。"
    edit = f"{base}/contracts/{contract.id}/edit"
    assert 'value="2026-01-31"' in page_of(client.get(edit))
    assert post_form(client, edit, {**CONTRACT, "ends_on": "2026-07-31", "reason": "誤植"}).status_code == 302
    with app.app_context():
        assert load(app, published_case).contracts[0].ends_on == date(2026, 7, 31)
    assert entries(app, published_case)[-2:] == [("contract", "created"), ("contract", "updated")]
    assert_record_holds(app, published_case)


def test_a_contract_cannot_end_before_it_starts(app, client, staff, published_case):
    login(client, staff)
    path = f"/manage/cases/{published_case}/contracts/new"
    bad = {**CONTRACT, "starts_on": "2024-02-01", "ends_on": "2024-01-31"}
    response = post_form(client, path, bad)
    assert response.status_code == 422 and "契約結束日期不能早於開始日期。" in page_of(response)
    response = post_form(client, f"{path}?lang=en", bad, form_page=path)
    assert response.status_code == 422 and "A contract cannot end before it starts." in page_of(response)
    with app.app_context():
        assert load(app, published_case).contracts == []


# Sources of funds


def test_staff_add_change_and_remove_a_source_of_funds(app, client, staff, published_case):
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    form = page_of(client.get(f"{base}/funding/new"))
    assert "新增：資金來源" in form and 'name="source"' in form and 'name="amount_ntd"' in form
    response = post_form(client, f"{base}/funding/new", {"source": "中央補助", "amount_ntd": "30,000,000,000"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#funding")
    assert post_form(client, f"{base}/funding/new", {"source": "市府自籌", "amount_ntd": ""}).status_code == 302
    with app.app_context():
        funding = load(app, published_case).funding
        assert [(f.source, f.amount_ntd) for f in funding] == [("中央補助", 30_000_000_000), ("市府自籌", None)]
        first = funding[0].id
    manage = page_of(client.get(base))
    assert 'id="funding"' in manage and "中央補助" in manage and "新增：資金來源" in manage
    assert f"/funding/{first}/edit" in manage and f"/funding/{first}/delete" in manage

    edit = f"{base}/funding/{first}/edit"
    assert 'value="中央補助"' in page_of(client.get(edit))
    assert post_form(client, edit, {"source": "中央補助（前瞻）", "amount_ntd": "31000000000"}).status_code == 422
    assert post_form(client, edit, {"source": "中央補助（前瞻）", "amount_ntd": "31000000000",
                                    "reason": "核定金額調整"}).status_code == 302
    remove = f"{base}/funding/{first}/delete"
    assert "中央補助（前瞻）" in page_of(client.get(remove))
    assert post_form(client, remove, {"reason": "重複登錄"}, form_page=remove).status_code == 302
    with app.app_context():
        assert [f.source for f in load(app, published_case).funding] == ["市府自籌"]
    assert entries(app, published_case)[-4:] == [("funding", "created"), ("funding", "created"),
                                                 ("funding", "updated"), ("funding", "deleted")]
    assert_record_holds(app, published_case)
    page = page_of(client.get(f"/cases/{published_case}/history"))
    assert "新增資金來源" in page and "移除資金來源" in page and "核定金額調整" in page
    english = page_of(client.get(f"/cases/{published_case}/history?lang=en"))
    assert "Funding source added" in english and "Source of funds" in english


BAD_FUNDING = [({"source": "", "amount_ntd": "100"}, "請輸入資金來源。", "Enter where the money comes from."),
     ({"source": "x" * 201}, "最多 200 個字", "At most 200 characters."),
     ({"source": "中央補助", "amount_ntd": "-5"}, "請輸入新臺幣整數金額", "Enter a whole number of NT dollars"),
     ({"source": "中央補助", "amount_ntd": "99999999999999"}, "比任何案件都大", "larger than any project")]


def test_bad_sources_of_funds_are_refused(app, client, staff, published_case):
    login(client, staff)
    path = f"/manage/cases/{published_case}/funding/new"
    for data, zh, en in BAD_FUNDING:
        for url, message in [(f"{path}?lang=zh", zh), (f"{path}?lang=en", en)]:
            response = post_form(client, url, data, form_page=path)
            assert response.status_code == 422
            assert message in page_of(response), message
    with app.app_context():
        assert load(app, published_case).funding == []


# Contract variations


VARIATION = {"kind": "value", "approved_on": "2024-06-01", "new_value_ntd": "1,200,000",
             "rationale": "地質改良增加數量。"}


def test_staff_add_change_and_remove_a_variation(app, client, staff, published_case):
    contract = add_contract(app, staff, published_case)
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    form = page_of(client.get(f"{base}/variations/new"))
    assert f'value="{contract}"' in form and "CQ850 標" in form and "價格" in form and "工期" in form
    english = page_of(client.get(f"{base}/variations/new?lang=en"))
    assert "Price" in english and "Duration" in english and "Scope" in english
    response = post_form(client, f"{base}/variations/new", {**VARIATION, "contract": str(contract)})
    assert response.status_code == 302 and response.headers["Location"].endswith("#variations")
    assert post_form(client, f"{base}/variations/new", {
        "contract": str(contract), "kind": "duration", "approved_on": "2024-07-01", "new_ends_on": "2026-07-31",
        "rationale": "颱風停工。"}).status_code == 302
    assert post_form(client, f"{base}/variations/new", {
        "contract": str(contract), "kind": "scope", "approved_on": "2024-08-01", "description": "增設無障礙電梯。",
        "rationale": "民眾建議。"}).status_code == 302
    with app.app_context():
        variations = load(app, published_case).variations
        assert [(v.kind, v.new_value_ntd, v.new_ends_on, v.description) for v in variations] == [
            ("value", 1_200_000, None, ""), ("duration", None, date(2026, 7, 31), ""),
            ("scope", None, None, "增設無障礙電梯。")]
        first = variations[0].id
    manage = page_of(client.get(f"{base}?lang=zh"))
    assert 'id="variations"' in manage and "新增：契約變更" in manage and "颱風停工。" in manage
    assert "工期" in manage and f"/variations/{first}/edit" in manage
    # Each row names its contract, for the eye and for the links' hidden text.
    assert 'data-label="契約">CQ850 標</td>' in manage
    assert '<span class="govuk-visually-hidden"> CQ850 標</span>' in manage

    edit = f"{base}/variations/{first}/edit"
    assert 'value="1200000"' in page_of(client.get(edit))
    assert post_form(client, edit, {**VARIATION, "contract": str(contract), "new_value_ntd": "1,250,000",
                                    "reason": "金額誤植"}).status_code == 302
    remove = f"{base}/variations/{first}/delete"
    confirm = page_of(client.get(remove))
    assert "地質改良增加數量。" in confirm and "CQ850 標" in confirm
    assert post_form(client, remove, {"reason": "重複登錄"}, form_page=remove).status_code == 302
    with app.app_context():
        assert [v.kind for v in load(app, published_case).variations] == ["duration", "scope"]
    assert entries(app, published_case)[-5:] == [("variation", "created")] * 3 + [
        ("variation", "updated"), ("variation", "deleted")]
    assert_record_holds(app, published_case)
    page = page_of(client.get(f"/cases/{published_case}/history"))
    assert "新增契約變更" in page and "變更理由" in page and "金額誤植" in page
    english = page_of(client.get(f"/cases/{published_case}/history?lang=en"))
    assert "Contract variation removed" in english and "Reason for the variation" in english
    # The record names the contract a variation changed by its title, and the variation by its kind.
    with app.test_request_context():
        case = load(app, published_case)
        rows = db.session.scalars(select(HistoryEntry).where(HistoryEntry.case_id == case.id,
                                                             HistoryEntry.part_kind == "variation")
                                  .order_by(HistoryEntry.seq)).all()
        read = changes.read(db.session, case, list(rows), "zh_Hant_TW")
        assert {field.after for change in read for field in change.fields if field.name == "contract_id"} == {
            "CQ850 標", None}
        assert [change.part_name for change in read] == ["價格", "工期", "範圍", "價格", "價格"]


def test_removing_a_contract_records_its_variations_as_removed(app, client, staff, published_case):
    contract = add_contract(app, staff, published_case)
    add_variation(app, staff, published_case, contract)
    login(client, staff)
    remove = f"/manage/cases/{published_case}/contracts/{contract}/delete"
    assert post_form(client, remove, {"reason": "契約解除"}, form_page=remove).status_code == 302
    with app.app_context():
        case = load(app, published_case)
        assert case.contracts == [] and case.variations == []
    assert entries(app, published_case)[-2:] == [("variation", "deleted"), ("contract", "deleted")]
    assert_record_holds(app, published_case)


BAD_VARIATIONS = [({"contract": ""}, "請從本案的契約中選擇。", "Choose one of this case's contracts."),
     ({"contract": "999999"}, "請從本案的契約中選擇。", "Choose one of this case's contracts."),
     ({"kind": ""}, "請選擇變更項目", "Choose what the variation changed"),
     ({"approved_on": ""}, "請輸入變更核定日期。", "Enter the date the variation was approved."),
     ({"approved_on": TOMORROW}, "核定日期不能是未來的日期", "the date cannot be in the future"),
     ({"new_value_ntd": ""}, "請輸入變更後的契約金額。", "Enter the contract's new price."),
     ({"new_ends_on": "2026-07-31"}, "只有工期變更才填寫變更後結束日期",
      "Give a new end date only for a change of duration"),
     ({"kind": "duration"}, "只有價格變更才填寫變更後金額", "Give a new price only for a change of price"),
     ({"kind": "duration", "new_value_ntd": ""}, "請輸入契約變更後的結束日期。", "Enter the contract's new end date."),
     ({"kind": "duration", "new_value_ntd": "", "new_ends_on": "2024-01-15"}, "變更後結束日期必須晚於此日",
      "its new end date must be later"),
     ({"kind": "scope", "new_value_ntd": ""}, "請說明範圍變更的內容。", "Describe what changed in the scope."),
     ({"rationale": " "}, "請說明變更理由。", "Give the reason for the variation."),
     ({"approved_on": "2023-12-01"}, "契約變更的核定日期應在當日或之後",
      "a variation of it is approved on that day or later"),
     ({"new_value_ntd": "0"}, "請輸入大於零的金額", "Enter an amount above zero")]


def test_bad_variations_are_refused_and_change_nothing(app, client, staff, published_case):
    contract = add_contract(app, staff, published_case, awarded_on=date(2024, 1, 10))
    login(client, staff)
    path = f"/manage/cases/{published_case}/variations/new"
    for data, zh, en in BAD_VARIATIONS:
        for url, message in [(f"{path}?lang=zh", zh), (f"{path}?lang=en", en)]:
            response = post_form(client, url, {**VARIATION, "contract": str(contract), **data}, form_page=path)
            assert response.status_code == 422
            assert message in page_of(response), (data, message)
    with app.app_context():
        assert load(app, published_case).variations == []


def test_a_variation_is_refused_another_cases_contract(app, staff, admin, published_case, application):
    elsewhere = add_contract(app, staff, application)
    with app.test_request_context():
        case = load(app, published_case)
        data = parts.VariationInput(contract_id=elsewhere, kind="scope", approved_on=date(2024, 6, 1),
                                    rationale="x", description="y")
        with pytest.raises(parts.DomainError) as refused:
            parts.add_variation(case, data, actor=db.session.get(User, admin.id))
        assert refused.value.field == "contract"
        db.session.rollback()


# Who may


def test_others_are_refused_funding_and_variations(app, staff, other_agency_staff, citizen, published_case):
    contract = add_contract(app, staff, published_case)
    variation = add_variation(app, staff, published_case, contract)
    funding = add_funding(app, staff, published_case)
    base = f"/manage/cases/{published_case}"
    pages = [f"{base}/funding/new", f"{base}/funding/{funding}/edit", f"{base}/funding/{funding}/delete",
             f"{base}/variations/new", f"{base}/variations/{variation}/edit",
             f"{base}/variations/{variation}/delete"]
    for account in (other_agency_staff, citizen):
        client = app.test_client()
        login(client, account)
        for path in pages:
            assert client.get(path).status_code == 403, path
        assert post_form(client, pages[0], {"source": "x"}, form_page="/").status_code == 403
        assert post_form(client, pages[4], {**VARIATION, "contract": str(contract), "reason": "x"},
                         form_page="/").status_code == 403
        assert post_form(client, pages[5], {"reason": "x"}, form_page="/").status_code == 403
        assert post_form(client, f"{base}/edit", {**CASE_FORM, **COMPLETION, "reason": "x"},
                         form_page="/").status_code == 403
    anonymous = app.test_client()
    for path in pages:
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    response = post_form(anonymous, pages[0], {"source": "x"}, form_page="/login")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app.app_context():
        case = load(app, published_case)
        assert len(case.funding) == 1 and len(case.variations) == 1 and case.final_cost_ntd is None
        assert case.variations[0].new_value_ntd == 1_200_000


def test_an_unknown_source_or_variation_is_404(app, client, staff, published_case):
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    for kind in ("funding", "variations"):
        assert client.get(f"{base}/{kind}/999999/edit").status_code == 404
        assert client.get(f"{base}/{kind}/999999/delete").status_code == 404


def test_the_manage_page_lists_funding_and_variations_in_a_fixed_number_of_queries(app, client, staff,
                                                                                   published_case, count_queries):
    contract = add_contract(app, staff, published_case)
    add_variation(app, staff, published_case, contract)
    add_funding(app, staff, published_case)
    login(client, staff)
    with count_queries() as few:
        assert client.get(f"/manage/cases/{published_case}").status_code == 200
    other = add_contract(app, staff, published_case, title="第二標")
    for _ in range(2):
        add_variation(app, staff, published_case, other)
        add_funding(app, staff, published_case)
    with count_queries() as many:
        page = page_of(client.get(f"/manage/cases/{published_case}"))
    assert len(many) == len(few)
    assert page.count('data-label="資金來源"') == 3 and page.count('data-label="變更理由"') == 3
    assert "第二標" in page


def test_a_contract_cannot_be_changed_to_contradict_its_variations(app, client, staff, published_case):
    contract = add_contract(app, staff, published_case, awarded_on=date(2024, 1, 10))
    add_variation(app, staff, published_case, contract)  # approved on 1 June 2024
    login(client, staff)
    edit = f"/manage/cases/{published_case}/contracts/{contract}/edit"
    response = post_form(client, edit, {**CONTRACT, "awarded_on": "2024-07-01", "reason": "更正決標日"})
    assert response.status_code == 422 and "決標日期須在該日之前" in page_of(response)
    response = post_form(client, f"{edit}?lang=en", {**CONTRACT, "awarded_on": "2024-07-01", "reason": "x"},
                         form_page=edit)
    assert response.status_code == 422 and "it was awarded before then" in page_of(response)
    with app.app_context():
        assert load(app, published_case).contracts[0].awarded_on == date(2024, 1, 10)
