"""Company claims: the name a claimant types is published by no one but an administrator, who
confirms (choosing the name) or rejects with a reason; the claimant is mailed either way and
sees the state of each claim. Over HTTP on both databases, with real mail.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from civic.accounts.models import Company, CompanyRepresentative, User
from civic.cases import parts
from civic.cases import queries as case_queries
from civic.core.audit import AuditEntry
from civic.core.roles import Role
from civic.extensions import db
from civic.notifications.worker import deliver_pending
from tests.conftest import make_account
from tests.support import Mailbox, post_form, signed_in

NEW_UBN = "90000012"  # no company on record
KNOWN_UBN = "90000006"  # the supplier fixture's company, on record as 測試公司
FAKE = "台灣電力股份有限公司"


def page_of(response) -> str:
    return response.get_data(as_text=True)


def claim(client, ubn: str = NEW_UBN, name: str = FAKE):
    return post_form(client, "/account/companies", {"ubn": ubn, "name": name})


def claim_of(app, account) -> CompanyRepresentative:
    with app.app_context():
        found = db.session.scalar(select(CompanyRepresentative).where(CompanyRepresentative.user_id == account.id))
        db.session.expunge_all()
        return found


def company_name(app, ubn: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Company.name).where(Company.ubn == ubn))


def deliver(app) -> None:
    with app.app_context():
        deliver_pending(db.session)


def audit_details(app, action: str) -> dict:
    with app.app_context():
        return db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == action))


def public_pages(client) -> str:
    """Every public place a company's name could show: its page, the registry, the API, exports, search."""
    paths = [f"/companies/{NEW_UBN}", "/pledges", f"/pledges?q={NEW_UBN}", "/api/v1/pledges",
             f"/api/v1/pledges?ubn={NEW_UBN}", "/api/v1/export/pledges.csv", "/api/v1/export/pledges.jsonl",
             "/api/v1/oc4ids.json", "/api/v1/cases", f"/search?q={NEW_UBN}", "/feeds/cases.atom"]
    pages = []
    for path in paths:
        response = client.get(path)
        pages.append(page_of(response))  # read at once: the exports stream
        assert response.status_code in ({200, 404} if path == paths[0] else {200}), path
    return "\n".join(pages)


@pytest.fixture
def admin_client(app, admin):
    return signed_in(app, admin)


def test_a_made_up_name_is_public_nowhere_until_an_admin_confirms_it(app, citizen, admin_client, mailbox):
    claimant = signed_in(app, citizen)
    assert claim(claimant).status_code == 302
    visitor = app.test_client()
    assert visitor.get(f"/companies/{NEW_UBN}").status_code == 404
    assert FAKE not in public_pages(visitor)
    assert company_name(app, NEW_UBN) == ""
    assert FAKE in page_of(claimant.get("/account/companies")) and "等待確認" in page_of(claimant.get("/pledges/sign"))

    listing = page_of(admin_client.get("/admin/users"))
    assert FAKE in listing and "尚未登錄名稱" in listing
    pending = claim_of(app, citizen)
    review = page_of(admin_client.get(f"/admin/claims/{pending.id}"))
    assert FAKE in review and "尚無：此公司的資料都未公開。" in review

    response = post_form(admin_client, f"/admin/claims/{pending.id}/confirm", {"name": FAKE},
                         form_page=f"/admin/claims/{pending.id}")
    assert response.status_code == 302
    page = page_of(visitor.get(f"/companies/{NEW_UBN}"))
    assert FAKE in page
    assert "已確認" in page_of(claimant.get("/account/companies"))
    assert audit_details(app, "company.claim_confirmed") == {"user": citizen.id, "name": FAKE}
    deliver(app)
    [message] = mailbox.to(citizen.email)
    assert message["Subject"] == f"您現在可以代表{FAKE}簽署廉潔承諾書"
    assert "統一編號 90000012" in Mailbox.text(message)
    with app.app_context():
        assert db.session.get(User, citizen.id).role == Role.supplier


def test_the_admin_may_record_another_name_than_the_one_typed(app, citizen, admin_client):
    claim(signed_in(app, citizen), name="台電")
    pending = claim_of(app, citizen)
    assert 'value="台電"' in page_of(admin_client.get(f"/admin/claims/{pending.id}"))
    post_form(admin_client, f"/admin/claims/{pending.id}/confirm", {"name": FAKE},
              form_page=f"/admin/claims/{pending.id}")
    assert company_name(app, NEW_UBN) == FAKE
    assert claim_of(app, citizen).claimed_name == "台電"


@pytest.mark.parametrize(("locale", "subject", "state"), [
    ("zh_Hant_TW", "您代表統一編號 90000012 的申請未獲接受", "不予核准"),
    ("en", "Your request to represent UBN 90000012 was not accepted", "Rejected"),
])
def test_a_rejection_keeps_the_company_unpublished_keeps_the_reason_and_mails_the_claimant(
        app, admin_client, mailbox, locale, subject, state):
    claimant_account = make_account(app, f"claimant-{locale}@example.tw", Role.citizen, locale=locale)
    claimant = signed_in(app, claimant_account)
    claim(claimant)
    pending = claim_of(app, claimant_account)
    reason = "查無此公司登記，請附上經濟部商工登記資料。"
    response = post_form(admin_client, f"/admin/claims/{pending.id}/reject", {"reason": reason},
                         form_page=f"/admin/claims/{pending.id}")
    assert response.status_code == 302
    rejected = claim_of(app, claimant_account)
    assert rejected.rejected_at is not None and rejected.rejection_reason == reason
    assert rejected.confirmed_at is None
    assert company_name(app, NEW_UBN) == ""
    visitor = app.test_client()
    assert visitor.get(f"/companies/{NEW_UBN}").status_code == 404
    assert FAKE not in public_pages(visitor)
    assert audit_details(app, "company.claim_rejected") == {"user": claimant_account.id, "reason": reason}
    deliver(app)
    [message] = mailbox.to(claimant_account.email)
    assert message["Subject"] == subject
    assert reason in Mailbox.text(message) and "/account/companies" in Mailbox.text(message)
    mine = page_of(claimant.get("/account/companies"))
    assert state in mine and reason in mine
    with app.app_context():
        assert db.session.get(User, claimant_account.id).role == Role.citizen

    # Rejected claims leave the admin's queue, cannot be decided again, and may be made again.
    assert FAKE not in page_of(admin_client.get("/admin/users"))
    again = post_form(admin_client, f"/admin/claims/{pending.id}/confirm", {},
                      form_page=f"/admin/claims/{pending.id}")
    assert again.status_code == 422 and company_name(app, NEW_UBN) == ""
    assert claim(claimant, name="台灣電力").status_code == 302
    renewed = claim_of(app, claimant_account)
    assert renewed.id == pending.id and renewed.is_waiting and renewed.claimed_name == "台灣電力"
    assert renewed.rejection_reason == ""
    assert "台灣電力" in page_of(admin_client.get("/admin/users"))


def test_a_claim_on_a_company_on_record_never_changes_its_name(app, supplier, citizen, admin_client):
    claimant = signed_in(app, citizen)
    assert claim(claimant, ubn=KNOWN_UBN, name=FAKE).status_code == 302
    visitor = app.test_client()
    assert FAKE not in page_of(visitor.get(f"/companies/{KNOWN_UBN}"))
    pending = claim_of(app, citizen)
    review = page_of(admin_client.get(f"/admin/claims/{pending.id}"))
    assert FAKE in review and "測試公司" in review and "公司維持已登錄的名稱。" in review
    post_form(admin_client, f"/admin/claims/{pending.id}/confirm", {"name": FAKE},
              form_page=f"/admin/claims/{pending.id}")
    assert claim_of(app, citizen).confirmed_at is not None
    assert company_name(app, KNOWN_UBN) == "測試公司"
    page = page_of(visitor.get(f"/companies/{KNOWN_UBN}"))
    assert "測試公司" in page and FAKE not in page
    assert "name" not in audit_details(app, "company.claim_confirmed")


def test_a_supplier_entered_by_staff_names_a_company_known_only_from_a_claim(
        app, citizen, staff, admin, published_case):
    claim(signed_in(app, citizen))
    with app.test_request_context():
        case = case_queries.get_case_with_parts(db.session, published_case)
        parts.add_contract(case, parts.ContractInput(title="甲標", ubn=NEW_UBN, company_name="真實工程有限公司",
                                                     award_value_ntd=1), actor=db.session.get(User, staff.id))
        db.session.commit()
    assert company_name(app, NEW_UBN) == "真實工程有限公司"
    visitor = app.test_client()
    case_page = page_of(visitor.get(f"/cases/{published_case}"))
    assert "真實工程有限公司" in case_page and FAKE not in case_page
    assert FAKE not in public_pages(visitor)
    assert audit_details(app, "company.named") == {"name": "真實工程有限公司"}


@pytest.fixture
def pending_claim(app, other_citizen) -> int:
    claim(signed_in(app, other_citizen))
    return claim_of(app, other_citizen).id


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff", "other_agency_staff", "moderator"])
def test_only_admins_see_and_decide_claims(app, request, role, pending_claim, other_citizen):
    client = signed_in(app, request.getfixturevalue(role))
    assert client.get(f"/admin/claims/{pending_claim}").status_code == 403
    for decision, data in [("confirm", {"name": FAKE}), ("reject", {"reason": "不是你"})]:
        response = post_form(client, f"/admin/claims/{pending_claim}/{decision}", data, form_page="/account")
        assert response.status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(f"/admin/claims/{pending_claim}").status_code == 302
    assert anonymous.post(f"/admin/claims/{pending_claim}/confirm", data={"name": FAKE}).status_code in {302, 400}
    assert claim_of(app, other_citizen).is_waiting and company_name(app, NEW_UBN) == ""


def test_an_unknown_claim_is_not_found(admin_client):
    assert admin_client.get("/admin/claims/999999").status_code == 404


@pytest.mark.parametrize(("lang", "message"), [("zh_Hant_TW", "請說明退回申請的理由。"),
                                               ("en", "Say why the claim is rejected.")])
def test_a_rejection_without_a_reason_changes_nothing(app, admin_client, pending_claim, other_citizen, mailbox,
                                                     lang, message):
    form_page = f"/admin/claims/{pending_claim}?lang={lang}"
    for reason in ["", "   "]:
        response = post_form(admin_client, f"/admin/claims/{pending_claim}/reject", {"reason": reason},
                             form_page=form_page)
        assert response.status_code == 422 and message in page_of(response)
    response = post_form(admin_client, f"/admin/claims/{pending_claim}/reject", {"reason": "長" * 1001},
                         form_page=form_page)
    assert response.status_code == 422
    response = post_form(admin_client, f"/admin/claims/{pending_claim}/confirm", {"name": "名" * 201},
                         form_page=form_page)
    assert response.status_code == 422
    assert claim_of(app, other_citizen).is_waiting and company_name(app, NEW_UBN) == ""
    assert audit_details(app, "company.claim_rejected") is None
    deliver(app)
    assert mailbox.to(other_citizen.email) == []


def test_claim_form_errors_are_explained_in_both_languages(app, citizen):
    client = signed_in(app, citizen)
    response = post_form(client, "/account/companies", {"ubn": NEW_UBN, "name": ""})
    assert response.status_code == 422 and "請輸入公司登記名稱。" in page_of(response)
    client.get("/account/companies?lang=en")
    response = post_form(client, "/account/companies", {"ubn": NEW_UBN, "name": "名" * 201})
    assert response.status_code == 422 and "At most 200 characters." in page_of(response)
    assert claim_of(app, citizen) is None and company_name(app, NEW_UBN) is None
