"""A company's page (pledges, contracts, tenders on published cases), the search for companies, and
a case's pledge coverage showing breached and withdrawn pledges; over HTTP on both databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from civic.accounts.models import User
from civic.cases import parts
from civic.cases import queries as case_queries
from civic.extensions import db
from civic.pledges import services
from civic.pledges.models import Pledge
from tests.cases import factories as case_factories
from tests.support import login, post_form, rendered

UBN = "90000006"  # the supplier fixture's company, and the winner in tender_open.json
TAKING_PART = "cases/_taking_part.html"
OTHER_UBNS = ["90000023", "90000028", "90000033"]
OPEN = str(Path(__file__).parents[1] / "procurement" / "fixtures" / "tender_open.json")


def page_of(response) -> str:
    return response.get_data(as_text=True)


def sign(client, case: str | None = None) -> str:
    data = {"ubn": UBN, "signer_name": "王大明", "signer_title": "負責人", "agree": "y", "case": case or ""}
    response = post_form(client, "/pledges/sign", data)
    assert response.status_code == 302, page_of(response)
    return response.headers["Location"].rsplit("/", 1)[1]


def add_contract(app, account, slug: str, title: str, *, ubn: str = UBN, name: str = "測試公司",
                 tender: bool = False) -> None:
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, slug)
        tender_id = case.tenders[0].id if tender and case.tenders else None
        parts.add_contract(case, parts.ContractInput(
            title=title, ubn=ubn, company_name=name, award_value_ntd=1_148_000_000,
            awarded_on=date(2026, 4, 20), tender_id=tender_id), actor=db.session.get(User, account.id))
        db.session.commit()


def add_tender(app, account, slug: str) -> None:
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, slug)
        parts.add_tender(case, parts.TenderInput("3.76.47", "CQ850-2026"), actor=db.session.get(User, account.id))
        db.session.commit()


def import_open_tender(app) -> None:
    result = app.test_cli_runner().invoke(args=["procurement", "import", OPEN])
    assert result.exit_code == 0, result.output


def record_breach(app, admin, receipt: str, note: str = "查有借牌情事") -> None:
    with app.test_request_context():
        pledge = db.session.query(Pledge).filter_by(receipt=receipt).one()
        services.record_breach(db.session, pledge, actor=db.session.get(User, admin.id), note=note)
        db.session.commit()


@pytest.fixture
def draft_case(app, staff) -> str:
    return case_factories.apply(app, staff, slug="draft-reservoir", title_zh="草稿水庫", title_en="Draft reservoir")


def test_the_company_page_lists_pledges_contracts_and_tenders_in_both_languages(
        app, supplier_client, staff, published_case):
    add_tender(app, staff, published_case)
    import_open_tender(app)
    add_contract(app, staff, published_case, "萬大線CQ850區段標", tender=True)
    receipt = sign(supplier_client, published_case)
    client = app.test_client()
    page = page_of(client.get(f"/companies/{UBN}"))
    assert receipt in page and "萬大線CQ850區段標" in page and "臺北捷運萬大線" in page
    assert "11.48 億元" in page or "1,148,000,000" in page
    assert "3.76.47" in page and "CQ850-2026" in page and "決標公告" in page and "得標" in page
    assert "資料來源：政府電子採購網（行政院公共工程委員會），經由社群 API" in page
    english = page_of(client.get(f"/companies/{UBN}?lang=en"))
    assert "Tenders bid for or won" in english and "Won" in english and "Contracts" in english
    assert "決標公告</span> (Award notice)" in english
    assert "Source: Government e-Procurement System" in english and "Taipei MRT Wanda Line" in english


def test_the_company_page_shows_a_withdrawal_with_its_reason_and_a_breach_with_its_note(
        app, supplier_client, admin, published_case):
    first = sign(supplier_client, published_case)
    second = sign(supplier_client)
    assert post_form(supplier_client, f"/pledges/{first}/withdraw", {"reason": "公司改組"}).status_code == 302
    record_breach(app, admin, second)
    page = page_of(app.test_client().get(f"/companies/{UBN}"))
    assert "公司改組" in page and "查有借牌情事" in page and "govuk-tag--red" in page


def test_contracts_and_tenders_of_an_unpublished_case_are_not_shown(app, supplier, staff, draft_case):
    add_tender(app, staff, draft_case)
    import_open_tender(app)
    add_contract(app, staff, draft_case, "草稿契約")
    page = page_of(app.test_client().get(f"/companies/{UBN}"))
    assert "草稿契約" not in page and "草稿水庫" not in page and "CQ850-2026" not in page
    assert "本廠商在已公開的案件中沒有得標契約" in page


def test_a_bidder_known_only_from_announcements_has_a_page_under_their_name(app, staff, published_case, draft_case):
    client = app.test_client()
    assert client.get(f"/companies/{UBN}").status_code == 404
    add_tender(app, staff, draft_case)
    import_open_tender(app)
    assert client.get(f"/companies/{UBN}").status_code == 404  # named only on an unpublished case
    add_tender(app, staff, published_case)
    import_open_tender(app)
    page = page_of(client.get(f"/companies/{UBN}"))
    assert "示範營造股份有限公司" in page and "CQ850-2026" in page
    assert client.get("/companies/90000012").status_code == 404


def test_a_company_whose_name_nobody_confirmed_is_not_found(app, citizen):
    client = app.test_client()
    login(client, citizen)
    assert post_form(client, "/account/companies", {"ubn": "90000012", "name": "自稱公司"}).status_code == 302
    assert app.test_client().get("/companies/90000012").status_code == 404
    assert "自稱公司" not in page_of(app.test_client().get("/companies?q=自稱"))


def test_companies_are_found_by_name_and_by_ubn(app, supplier_client, staff, published_case):
    add_contract(app, staff, published_case, "甲標")
    add_contract(app, staff, published_case, "乙標", ubn="90000017", name="乙營造有限公司")
    sign(supplier_client, published_case)
    client = app.test_client()
    listing = page_of(client.get("/companies"))
    assert "測試公司" in listing and "乙營造有限公司" in listing and "2 家廠商" in listing
    by_name = page_of(client.get("/companies?q=營造"))
    assert "乙營造有限公司" in by_name and "測試公司" not in by_name
    by_ubn = page_of(client.get(f"/companies?q={UBN}"))
    assert "測試公司" in by_ubn and "乙營造有限公司" not in by_ubn
    assert "測試公司" in page_of(client.get("/companies?q=９０００００06"))  # full-width digits
    assert "1 家廠商" in page_of(client.get("/companies?q=9000001"))  # the start of a number
    assert "0 家廠商" in page_of(client.get("/companies?q=100%25"))  # % is a character, not a wildcard
    assert "Companies" in page_of(client.get("/companies?lang=en"))


def test_bad_search_input_is_refused_not_an_error(app):
    client = app.test_client()
    assert client.get("/companies?q=%00").status_code == 400
    assert client.get("/companies?q=" + "公" * 500).status_code == 400
    assert client.get("/companies?page=0").status_code == 400
    assert client.get("/companies?page=99999").status_code == 200
    assert client.get("/companies/%00").status_code in (400, 404)
    assert client.get("/companies/" + "9" * 500).status_code == 404


def test_coverage_shows_pledged_breached_withdrawn_and_not_pledged(app, kept_fragments, supplier_client, staff,
                                                                    admin, published_case):
    add_contract(app, staff, published_case, "甲標")
    add_contract(app, staff, published_case, "乙標", ubn="90000017", name="乙公司")
    receipt = sign(supplier_client, published_case)
    reader = app.test_client()
    reader.get("/cases?lang=zh_Hant_TW")  # a cookie: the case page is made from kept fragments
    page = page_of(reader.get(f"/cases/{published_case}"))
    assert "2 家得標廠商中，1 家已簽署" in page and "尚未簽署" in page
    with rendered(app) as templates:
        reader.get(f"/cases/{published_case}")
    assert TAKING_PART not in templates  # kept
    record_breach(app, admin, receipt)
    with rendered(app) as templates:
        page = page_of(reader.get(f"/cases/{published_case}"))
    assert TAKING_PART in templates  # the breach changed the pledge row, which drops the fragment
    assert "2 家得標廠商中，0 家已簽署" in page and "違反承諾" in page and "認定違反" in page
    assert "Breached" in page_of(app.test_client().get(f"/cases/{published_case}?lang=en"))


def test_coverage_shows_a_withdrawn_pledge_with_its_date(app, supplier_client, staff, published_case):
    add_contract(app, staff, published_case, "甲標")
    client = app.test_client()
    receipt = sign(supplier_client, published_case)
    assert "1 家已簽署" in page_of(client.get(f"/cases/{published_case}"))
    assert post_form(supplier_client, f"/pledges/{receipt}/withdraw", {"reason": "公司改組"}).status_code == 302
    page = page_of(client.get(f"/cases/{published_case}"))
    assert "0 家已簽署" in page and "撤回" in page and "<time" in page


def test_the_company_and_search_pages_run_a_fixed_number_of_queries(app, supplier_client, staff, admin,
                                                                      published_case, count_queries):
    add_tender(app, staff, published_case)
    import_open_tender(app)
    add_contract(app, staff, published_case, "甲標", tender=True)
    sign(supplier_client, published_case)
    client = app.test_client()
    with count_queries() as few:
        client.get(f"/companies/{UBN}")
    with count_queries() as few_listed:
        client.get("/companies")
    for number in range(3):
        slug = case_factories.apply(app, staff, slug=f"more-{number}")
        case_factories.publish(app, admin, slug)
        add_tender(app, staff, slug)
        add_contract(app, staff, slug, f"標案{number}", tender=True)
        add_contract(app, staff, slug, f"他標{number}", ubn=OTHER_UBNS[number], name=f"他公司{number}")
        sign(supplier_client, slug)
    import_open_tender(app)
    with count_queries() as many:
        page = page_of(client.get(f"/companies/{UBN}"))
    with count_queries() as many_listed:
        client.get("/companies")
    assert page.count("CQ850-2026") == 8  # four contracts linked to the tender, and four tenders
    assert len(many) <= len(few) and len(many_listed) <= len(few_listed)


def test_a_number_typed_in_full_width_digits_goes_to_the_pages_one_address(client):
    full_width = UBN.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.get(f"/companies/{full_width[:4]} {full_width[4:]}")
    assert response.status_code == 301 and response.headers["Location"].endswith(f"/companies/{UBN}")
