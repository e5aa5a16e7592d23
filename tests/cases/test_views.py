"""Case pages over HTTP: the public list and record, staff applications and edits, admin review."""

from __future__ import annotations

import re

import pytest

from civic.cases import queries
from civic.extensions import db
from tests.cases.factories import apply, fill_parts, publish
from tests.support import login, post_form

APPLICATION = {
    "title_zh": "新竹污水下水道", "title_en": "Hsinchu sewerage", "slug": "hsinchu-sewer",
    "sector": "water", "procurement_kind": "works", "status": "preparation", "county": "hsinchu",
    "address": "竹北市", "budget_ntd": "150,000,000", "summary_zh": "污水系統", "summary_en": "Sewers",
    "platform_established_on": "", "reason": "地方關注度高", "risks-0-stage": "tendering",
    "risks-0-risk": "綁標", "risks-0-mitigation": "公開審查規格",
}


def page_of(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_shows_published_cases_only_in_both_languages(app, client, published_case, application):
    zh = page_of(client.get("/cases"))
    assert "臺北捷運萬大線" in zh and "新水庫" not in zh
    assert "1 件案件" in zh or "1 case" in zh
    en = page_of(client.get("/cases?lang=en"))
    assert "Taipei MRT Wanda Line" in en and "Rail and metro" in en


@pytest.mark.parametrize(
    ("query", "found"),
    [("agency=A00000001", True), ("agency=B00000002", False), ("sector=rail", True),
     ("sector=health", False), ("status=implementation", True), ("status=completed", False),
     ("kind=works", True), ("kind=goods", False), ("year=2019", True), ("year=", True),
     ("min_value=40,000,000,000", True), ("max_value=1000", False), ("best=1", False),
     ("q=萬大", True), ("q=Wanda", True), ("q=高鐵", False), ("sort=budget", True)],
)
def test_filters_narrow_the_list(app, client, published_case, other_agency_staff, query, found):
    response = client.get(f"/cases?{query}")
    assert response.status_code == 200
    assert ("臺北捷運萬大線" in page_of(response)) is found


@pytest.mark.parametrize("query", ["status=unknown", "min_value=abc", "min_value=10&max_value=5",
                                   "sector=nope", "page=abc", "page=0"])
def test_bad_filters_get_a_clear_400(app, client, published_case, query):
    response = client.get(f"/cases?{query}")
    assert response.status_code == 400


def test_a_page_past_the_end_is_404(app, client, published_case):
    assert client.get("/cases?page=5").status_code == 404


def test_best_practice_cases_come_first(app, client, staff, admin, published_case):
    from civic.accounts.models import User
    from civic.cases import services

    other = apply(app, staff, slug="best-one", title_zh="優良案例工程")
    publish(app, admin, other)
    with app.test_request_context():
        services.set_best_practice(db.session, queries.get_case_with_parts(db.session, other),
                                   actor=db.session.get(User, admin.id), is_best=True,
                                   reason_zh="值得學習", reason_en="Worth learning from")
        db.session.commit()
    page = page_of(client.get("/cases"))
    assert page.index("優良案例工程") < page.index("臺北捷運萬大線")
    assert "值得學習" in page_of(client.get("/"))
    assert "優良案例工程" in page_of(client.get("/cases?best=1"))
    assert "臺北捷運萬大線" not in page_of(client.get("/cases?best=1"))


def test_the_case_page_shows_every_section(app, client, published_case, admin):
    fill_parts(app, admin, published_case)
    page = page_of(client.get(f"/cases/{published_case}"))
    for text in ["臺北捷運萬大線", "平臺成員", "王○○", "第1次會議", "報告進度", "每季公開會議紀錄",
                 "風險登錄", "評選委員利益衝突", "動工", "CQ840 標", "90000006", "可行性研究",
                 "異動紀錄", "466.5 億元", "100%", "民國108年5月1日"]:
        assert text in page, text
    english = page_of(client.get(f"/cases/{published_case}?lang=en"))
    assert "Platform members" in english and "NT$46.65 billion" in english


def test_missing_fields_are_listed(app, client, published_case):
    page = page_of(client.get(f"/cases/{published_case}"))
    assert "缺少的項目" in page and "至少一份文件" in page


def test_unpublished_cases_are_hidden_from_the_public_and_other_agencies(app, application, citizen,
                                                                        other_agency_staff, staff):
    assert app.test_client().get(f"/cases/{application}").status_code == 404
    for account in (citizen, other_agency_staff):
        client = app.test_client()
        login(client, account)
        assert client.get(f"/cases/{application}").status_code == 404
        assert client.get(f"/manage/cases/{application}").status_code == 404
    client = app.test_client()
    login(client, staff)
    assert client.get(f"/cases/{application}").status_code == 200


def test_list_and_case_pages_run_a_fixed_number_of_queries(app, client, staff, admin, count_queries):
    slugs = [apply(app, staff, slug=f"case-{i}") for i in range(3)]
    for slug in slugs:
        publish(app, admin, slug)
        fill_parts(app, admin, slug)
    with count_queries() as few:
        client.get("/cases")
    for i in range(3, 9):
        publish(app, admin, apply(app, staff, slug=f"case-{i}"))
    with count_queries() as many:
        assert client.get("/cases").status_code == 200
    assert len(many) == len(few)
    with count_queries() as one_case:
        client.get(f"/cases/{slugs[0]}")
    fill_parts(app, admin, slugs[0])
    with count_queries() as bigger_case:
        client.get(f"/cases/{slugs[0]}")
    assert len(bigger_case) == len(one_case)
    for path in ["/agencies", "/agencies/A00000001", "/"]:
        assert client.get(path).status_code == 200


def test_agency_pages_list_their_cases_and_average(app, client, published_case):
    page = page_of(client.get("/agencies"))
    assert "測試機關 A00000001" in page
    detail = page_of(client.get("/agencies/A00000001"))
    assert "臺北捷運萬大線" in detail
    assert client.get("/agencies/NOPE").status_code == 404


def test_staff_apply_below_the_threshold_and_see_the_warning(app, client, staff):
    login(client, staff)
    response = post_form(client, "/staff/cases/apply", APPLICATION)
    assert response.status_code == 302
    page = page_of(client.get(response.headers["Location"]))
    assert "低於" in page and "巨額" in page
    with app.app_context():
        case = queries.get_case_with_parts(db.session, "hsinchu-sewer")
        assert case.budget_ntd == 150_000_000 and [r.risk for r in case.risks] == ["綁標"]


def test_staff_apply_above_the_threshold_without_a_warning(app, client, staff):
    login(client, staff)
    response = post_form(client, "/staff/cases/apply", dict(APPLICATION, budget_ntd="３００,０００,０００"))
    page = page_of(client.get(response.headers["Location"]))
    assert "已達" in page and "低於" not in page


def test_an_application_with_errors_explains_them_and_stores_nothing(app, client, staff):
    login(client, staff)
    response = post_form(client, "/staff/cases/apply", dict(
        APPLICATION, slug="Has Spaces", budget_ntd="-5", reason="", title_zh=""))
    assert response.status_code == 422
    page = page_of(response)
    assert "有問題需要修正" in page and "請輸入中文名稱" in page
    assert "請說明為什麼這個案件需要廉政平臺" in page
    assert "請輸入新臺幣整數金額" in page
    with app.app_context():
        assert queries.list_agency_cases(db.session, 1) == [] or all(
            c.slug != "hsinchu-sewer" for c in queries.list_agency_cases(db.session, 1))


@pytest.mark.parametrize("role", ["citizen", "supplier", "moderator", "admin"])
def test_only_staff_reach_the_application_form(app, request, role):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    assert client.get("/staff/cases/apply").status_code == 403
    assert app.test_client().get("/staff/cases/apply").status_code == 302


def test_staff_edit_their_case_and_the_history_shows_it(app, client, staff, published_case):
    login(client, staff)
    form = page_of(client.get(f"/manage/cases/{published_case}/edit"))
    assert 'value="臺北捷運萬大線"' in form
    data = {"title_zh": "臺北捷運萬大線第一期", "title_en": "Taipei MRT Wanda Line", "slug": published_case,
            "sector": "rail", "procurement_kind": "works", "status": "implementation", "county": "taipei",
            "address": "臺北市萬華區", "budget_ntd": "46650000000", "summary_zh": "連接臺北市與新北市的捷運路線。",
            "summary_en": "A metro line linking Taipei and New Taipei.", "platform_established_on": "2019-05-01"}
    refused = post_form(client, f"/manage/cases/{published_case}/edit", data)
    assert refused.status_code == 422 and "請說明修改已公開案件的理由" in page_of(refused)
    with app.app_context():
        assert queries.get_case_with_parts(db.session, published_case).title_zh == "臺北捷運萬大線"
    response = post_form(client, f"/manage/cases/{published_case}/edit", {**data, "reason": "依核定計畫更名"})
    assert response.status_code == 302
    page = page_of(client.get(f"/cases/{published_case}"))
    assert "臺北捷運萬大線第一期" in page and "依核定計畫更名" in page


def test_staff_add_change_and_remove_parts(app, client, staff, published_case):
    login(client, staff)
    base = f"/manage/cases/{published_case}"
    response = post_form(client, f"{base}/meetings/new", {
        "held_on": "2024-03-19", "title": "第2次平臺會議", "place": "捷運局",
        "attendees": "王○○, 捷運局\n李○○, 地檢署", "statements": "王○○：報告進度\n李○○: 提醒利益迴避",
        "decisions": "公開會議紀錄\n每季檢討", "agenda": "", "follow_ups": ""})
    assert response.status_code == 302
    page = page_of(client.get(f"/cases/{published_case}"))
    assert "提醒利益迴避" in page and "每季檢討" in page
    with app.app_context():
        meeting = queries.get_case_with_parts(db.session, published_case).meetings[0]
        assert [(s.speaker, s.content) for s in meeting.statements] == [("王○○", "報告進度"), ("李○○", "提醒利益迴避")]
    edit = page_of(client.get(f"{base}/meetings/{meeting.id}/edit"))
    assert "王○○：報告進度" in edit
    confirm = page_of(client.get(f"{base}/meetings/{meeting.id}/delete"))
    assert "提醒利益迴避" in confirm and 'name="reason"' in confirm
    remove = f"{base}/meetings/{meeting.id}/delete"
    assert post_form(client, remove, {}, form_page=remove).status_code == 422
    response = post_form(client, remove, {"reason": "重複登錄"}, form_page=remove)
    assert response.status_code == 302
    page = page_of(client.get(f"/cases/{published_case}"))
    assert "重複登錄" in page
    assert "提醒利益迴避" not in page.split('id="history"')[0]


def test_bad_part_input_is_explained(app, client, staff, published_case):
    login(client, staff)
    response = post_form(client, f"/manage/cases/{published_case}/contracts/new", {
        "title": "標", "ubn": "12345678", "company_name": "某", "award_value_ntd": "abc"})
    assert response.status_code == 422
    page = page_of(response)
    assert "請輸入新臺幣整數金額" in page
    response = post_form(client, f"/manage/cases/{published_case}/contracts/new", {
        "title": "標", "ubn": "12345678", "company_name": "某", "award_value_ntd": "100"})
    assert response.status_code == 422 and "不是有效的統一編號" in page_of(response)
    assert client.get(f"/manage/cases/{published_case}/nonsense/new").status_code == 404


def test_other_agencies_staff_are_refused_every_edit(app, other_agency_staff, published_case, staff, admin):
    fill_parts(app, admin, published_case)
    with app.app_context():
        member_id = queries.get_case_with_parts(db.session, published_case).members[0].id
    client = app.test_client()
    login(client, other_agency_staff)
    base = f"/manage/cases/{published_case}"
    for path in [base, f"{base}/edit", f"{base}/members/new", f"{base}/members/{member_id}/edit"]:
        assert client.get(path).status_code == 403, path
    assert client.get(f"{base}/members/{member_id}/delete").status_code == 403
    assert post_form(client, f"{base}/members/{member_id}/delete", {"reason": "x"}, form_page="/").status_code == 403
    assert post_form(client, f"{base}/edit", {"title_zh": "被竄改"}, form_page="/").status_code == 403
    with app.app_context():
        assert len(queries.get_case_with_parts(db.session, published_case).members) == 3


def test_anonymous_and_citizens_cannot_manage(app, citizen, published_case):
    assert app.test_client().get(f"/manage/cases/{published_case}").status_code == 302
    client = app.test_client()
    login(client, citizen)
    assert client.get(f"/manage/cases/{published_case}").status_code == 403


def test_admin_reviews_applications(app, client, admin, application):
    login(client, admin)
    assert "新水庫" in page_of(client.get("/admin/cases/applications"))
    review = page_of(client.get(f"/admin/cases/{application}/review"))
    assert "低於" in review
    response = post_form(client, f"/admin/cases/{application}/review", {"decision": "return", "comment": ""})
    assert response.status_code == 422 and "請說明機關應修改的地方" in page_of(response)
    response = post_form(client, f"/admin/cases/{application}/review", {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    assert app.test_client().get(f"/cases/{application}").status_code == 200


def test_admin_marks_best_practice(app, client, admin, published_case):
    login(client, admin)
    response = post_form(client, f"/admin/cases/{published_case}/best-practice",
                         {"is_best": "y", "reason_zh": "", "reason_en": ""})
    assert response.status_code == 422
    response = post_form(client, f"/admin/cases/{published_case}/best-practice",
                         {"is_best": "y", "reason_zh": "預警機制有效", "reason_en": "Early warnings work"})
    assert response.status_code == 302
    assert "預警機制有效" in page_of(client.get(f"/cases/{published_case}"))


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff", "other_agency_staff", "moderator"])
def test_every_admin_url_refuses_everyone_but_admins(app, request, role, published_case):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    for path in ["/admin/", "/admin/cases/applications", f"/admin/cases/{published_case}/review",
                 f"/admin/cases/{published_case}/best-practice"]:
        assert client.get(path).status_code == 403, path
    assert post_form(client, f"/admin/cases/{published_case}/best-practice",
                     {"is_best": "y", "reason_zh": "x"}, form_page="/").status_code == 403


def test_admin_urls_send_anonymous_visitors_to_sign_in(app, published_case):
    response = app.test_client().get("/admin/")
    assert response.status_code == 302 and re.search(r"/login\?next=", response.headers["Location"])


def test_anonymous_case_pages_set_no_cookie_so_a_proxy_can_cache_them(app, published_case):
    for path in ["/", "/cases", f"/cases/{published_case}", "/agencies"]:
        response = app.test_client().get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path


def test_long_lists_page_only_around_the_current_page(app, staff, admin):
    for i in range(23):
        publish(app, admin, apply(app, staff, slug=f"many-{i}"))
    page = app.test_client().get("/cases?page=2").get_data(as_text=True)
    assert re.search(r'aria-current="page">\s*2\s*</a>', page) and "page=1" in page
