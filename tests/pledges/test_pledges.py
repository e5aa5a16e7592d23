"""Pledges: texts, company claims, signing with every refusal, receipts anyone can recompute,
withdrawal, breach findings, the registry and the case's coverage; over HTTP on both databases.
"""

from __future__ import annotations

import hashlib
import html
import re

import pytest
from sqlalchemy import func, select

from civic.accounts.models import CompanyRepresentative, User
from civic.cases import parts
from civic.cases import queries as case_queries
from civic.extensions import db
from civic.pledges import services
from civic.pledges.models import Pledge
from tests.support import login, post_form

UBN = "90000006"  # the supplier fixture's confirmed company


def page_of(response) -> str:
    return response.get_data(as_text=True)


def sign(client, **fields):
    data = {"ubn": UBN, "signer_name": "王大明", "signer_title": "負責人", "agree": "y"}
    data.update(fields)
    return post_form(client, "/pledges/sign", data)


def count_pledges(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Pledge.id)))


def test_a_supplier_signs_for_a_case_and_the_receipt_recomputes(app, supplier_client, published_case):
    response = sign(supplier_client, case=published_case)
    assert response.status_code == 302
    receipt = response.headers["Location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"P-[0-9A-Z]{4}-[0-9A-Z]{4}", receipt)
    page = page_of(supplier_client.get(f"/pledges/{receipt}"))
    canonical = html.unescape(re.search(r'<pre class="civic-code"[^>]*>(.*?)</pre>', page, re.S).group(1))
    recorded = re.search(r"<code>([0-9a-f]{64})</code>", page).group(1)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == recorded
    assert f'"receipt":"{receipt}"' in canonical and '"company_ubn":"90000006"' in canonical
    assert "王大明" in page and "臺北捷運萬大線" in page
    assert receipt in page_of(app.test_client().get(f"/companies/{UBN}"))
    assert receipt in page_of(app.test_client().get(f"/pledges?case={published_case}"))


def test_an_invalid_ubn_another_companys_ubn_and_a_duplicate_are_refused(app, supplier_client, published_case):
    from civic.accounts.services import CompanyInput, get_or_create_company

    with app.app_context():
        get_or_create_company(db.session, CompanyInput(ubn="90000012", name="別家公司"), actor_id=None)
        db.session.commit()
    response = sign(supplier_client, ubn="12345678")
    assert response.status_code == 422 and "不是有效的統一編號" in page_of(response)
    response = sign(supplier_client, ubn="90000012")
    assert response.status_code == 422 and "您只能代表經確認的公司簽署" in page_of(response)
    response = sign(supplier_client, case="no-such-case")
    assert response.status_code == 422 and "請選擇已公開的案件" in page_of(response)
    assert sign(supplier_client, case=published_case).status_code == 302
    response = sign(supplier_client, case=published_case)
    assert response.status_code == 422 and "已有有效的承諾" in page_of(response)
    response = sign(supplier_client, agree="", signer_name="")
    assert response.status_code == 422
    assert count_pledges(app) == 1


def test_the_service_refuses_an_invalid_or_unconfirmed_company(app, ctx, supplier, citizen, pledge_text):
    from civic.core.errors import DomainError, PermissionDenied

    with pytest.raises(DomainError):
        services.sign(db.session, services.SignInput(ubn="12345678", signer_name="x", signer_title="y", agree=True),
                      actor=db.session.get(User, supplier.id))
    services.claim_company(db.session, db.session.get(User, citizen.id), ubn="90000012", name="申請中公司")
    with pytest.raises(PermissionDenied):
        services.sign(db.session, services.SignInput(ubn="90000012", signer_name="x", signer_title="y", agree=True),
                      actor=db.session.get(User, citizen.id))


def test_withdrawal_needs_a_reason_and_only_the_companys_representatives(app, supplier_client, other_citizen):
    receipt = sign(supplier_client).headers["Location"].rsplit("/", 1)[1]
    stranger = app.test_client()
    login(stranger, other_citizen)
    assert stranger.get(f"/pledges/{receipt}/withdraw").status_code == 403
    assert app.test_client().get(f"/pledges/{receipt}/withdraw").status_code == 302
    response = post_form(supplier_client, f"/pledges/{receipt}/withdraw", {"reason": ""})
    assert response.status_code == 422
    assert post_form(supplier_client, f"/pledges/{receipt}/withdraw", {"reason": "公司解散"}).status_code == 302
    page = page_of(app.test_client().get(f"/pledges/{receipt}"))
    assert "公司解散" in page and "已撤回" in page
    assert sign(supplier_client).status_code == 302


def test_claims_wait_for_an_admin_before_signing(app, citizen, admin, pledge_text):
    client = app.test_client()
    login(client, citizen)
    response = post_form(client, "/account/companies", {"ubn": "12345678", "name": "某公司"})
    assert response.status_code == 422 and "不是有效的統一編號" in page_of(response)
    assert post_form(client, "/account/companies", {"ubn": "90000012", "name": "新公司"}).status_code == 302
    assert "等待確認" in page_of(client.get("/pledges/sign"))
    with app.app_context():
        claim_id = db.session.scalar(select(CompanyRepresentative.id).where(
            CompanyRepresentative.user_id == citizen.id))
    admin_client = app.test_client()
    login(admin_client, admin)
    post_form(admin_client, f"/admin/claims/{claim_id}/confirm", {}, form_page="/admin/users")
    assert "新公司 (90000012)" in page_of(client.get("/pledges/sign"))


def test_new_text_versions_leave_old_pledges_naming_their_version(app, supplier_client, admin):
    receipt = sign(supplier_client).headers["Location"].rsplit("/", 1)[1]
    admin_client = app.test_client()
    login(admin_client, admin)
    second = {"case": "", "title_zh": "第二版", "body_zh": "新的承諾內容", "title_en": "", "body_en": ""}
    response = post_form(admin_client, "/admin/pledges/texts", second)
    assert response.status_code == 302
    assert "版本 1" in page_of(app.test_client().get(f"/pledges/{receipt}"))
    assert "新的承諾內容" in page_of(supplier_client.get("/pledges/sign"))
    assert sign(supplier_client).status_code == 302  # a new text may be signed again


def test_admins_record_a_breach_and_others_cannot(app, supplier_client, admin, staff):
    receipt = sign(supplier_client).headers["Location"].rsplit("/", 1)[1]
    other = app.test_client()
    login(other, staff)
    assert other.get(f"/admin/pledges/{receipt}/breach").status_code == 403
    admin_client = app.test_client()
    login(admin_client, admin)
    assert post_form(admin_client, f"/admin/pledges/{receipt}/breach", {"note": "查有借牌情事"}).status_code == 302
    assert "查有借牌情事" in page_of(app.test_client().get(f"/pledges/{receipt}"))


def test_the_case_page_shows_pledge_coverage_of_contracted_suppliers(app, supplier_client, staff, published_case):
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, published_case)
        actor = db.session.get(User, staff.id)
        parts.add_contract(case, parts.ContractInput(title="甲標", ubn=UBN, company_name="測試公司",
                                                     award_value_ntd=1), actor=actor)
        parts.add_contract(case, parts.ContractInput(title="乙標", ubn="90000017", company_name="乙公司",
                                                     award_value_ntd=1), actor=actor)
        db.session.commit()
    assert "0 家已簽署" in page_of(app.test_client().get(f"/cases/{published_case}"))
    sign(supplier_client, case=published_case)
    assert "1 家已簽署" in page_of(app.test_client().get(f"/cases/{published_case}"))


def test_registry_filters_and_bad_input(app, supplier_client, published_case):
    sign(supplier_client, case=published_case)
    client = app.test_client()
    assert "測試公司" in page_of(client.get(f"/pledges?q={UBN}"))
    assert "測試公司" not in page_of(client.get("/pledges?q=99999999"))
    assert client.get("/pledges?status=bogus").status_code == 400
    assert client.get("/pledges/P-0000-0000").status_code == 404
    assert client.get("/companies/12345678").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(app, pledge_text):
    for path in ["/pledges/sign", "/account/companies"]:
        response = app.test_client().get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["citizen", "staff", "moderator"])
def test_pledge_administration_refuses_other_roles(app, request, role):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    assert client.get("/admin/pledges/texts").status_code == 403
