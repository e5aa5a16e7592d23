"""Administration over HTTP: agencies and CSV import, invitations, roles and suspension, the
audit trail and the outbox; every /admin/ URL refused to everyone but admins.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from civic.accounts import administration
from civic.accounts.models import CompanyRepresentative, Invitation, User
from civic.agencies.models import Agency
from civic.core.audit import AuditEntry
from civic.core.errors import DomainError
from civic.extensions import db
from civic.notifications.models import OutboxMessage, OutboxStatus
from civic.notifications.services import enqueue
from civic.notifications.worker import deliver_pending
from tests.support import PASSWORD, csrf_token, login, post_form

ADMIN_PAGES = ["/admin/", "/admin/agencies", "/admin/agencies/new", "/admin/agencies/import", "/admin/users",
               "/admin/users/invite", "/admin/audit", "/admin/audit.csv", "/admin/outbox"]


def page_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff", "moderator"])
def test_every_admin_page_refuses_other_roles(app, request, role):
    client = app.test_client()
    login(client, request.getfixturevalue(role))
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/")
    assert client.post("/admin/agencies/new", data={"csrf_token": token, "code": "X1", "name_zh": "x",
                                                     "response_days": "14"}).status_code == 403
    assert client.post("/admin/outbox/retry", data={"csrf_token": token}).status_code == 403


def test_every_admin_page_sends_anonymous_visitors_to_sign_in(app):
    for path in ADMIN_PAGES:
        response = app.test_client().get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_admin_pages_render_in_both_languages(app, admin_client):
    for path in ADMIN_PAGES:
        if path.endswith(".csv"):
            continue
        assert admin_client.get(path).status_code == 200, path
        assert admin_client.get(path + ("&" if "?" in path else "?") + "lang=en").status_code == 200


def test_admin_adds_and_edits_an_agency_with_validation(app, admin_client):
    response = post_form(admin_client, "/admin/agencies/new", {"code": "bad code!", "name_zh": "",
                                                               "response_days": "0"})
    assert response.status_code == 422
    page = page_of(response)
    assert "請輸入機關中文名稱" in page and "請填 1 到 365 天" in page
    response = post_form(admin_client, "/admin/agencies/new", {"code": "C00000003", "name_zh": "新機關",
                                                               "name_en": "New Agency", "response_days": "10",
                                                               "contact_email": "contact@new.gov.tw"})
    assert response.status_code == 302
    response = post_form(admin_client, "/admin/agencies/new", {"code": "C00000003", "name_zh": "重複",
                                                               "response_days": "10"})
    assert response.status_code == 422 and "已經存在" in page_of(response)
    response = post_form(admin_client, "/admin/agencies/C00000003/edit", {"code": "C00000003", "name_zh": "改名機關",
                                                                           "response_days": "21"})
    assert response.status_code == 302
    with app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.code == "C00000003"))
        assert agency.name_zh == "改名機關" and agency.response_days == 21


def test_agencies_with_dependents_are_deactivated_not_deleted(app, admin_client, staff):
    response = post_form(admin_client, f"/admin/agencies/{staff.agency_code}/delete", {}, form_page="/admin/agencies")
    assert response.status_code == 302
    assert "請改為停用" in page_of(admin_client.get(response.headers["Location"]))
    post_form(admin_client, f"/admin/agencies/{staff.agency_code}/active", {}, form_page="/admin/agencies")
    with app.app_context():
        assert db.session.scalar(select(Agency.is_active).where(Agency.code == staff.agency_code)) is False
    post_form(admin_client, "/admin/agencies/new", {"code": "D1", "name_zh": "暫時機關", "response_days": "14"})
    post_form(admin_client, "/admin/agencies/D1/delete", {}, form_page="/admin/agencies")
    with app.app_context():
        assert db.session.scalar(select(Agency).where(Agency.code == "D1")) is None


def upload(client, text: str):
    token = csrf_token(client, "/admin/agencies/import")
    return client.post("/admin/agencies/import", data={
        "csrf_token": token, "file": (io.BytesIO(("\ufeff" + text).encode()), "agencies.csv")},
        content_type="multipart/form-data")


GOOD_CSV = "code,name_zh,name_en,parent_code\n" + "\n".join(
    [f"E{i:08d},機關{i},Agency {i},{'E00000000' if i else ''}" for i in range(10)]) + "\n"


def test_a_csv_of_ten_agencies_is_previewed_then_imported(app, admin_client):
    response = upload(admin_client, GOOD_CSV)
    assert response.status_code == 200
    page = page_of(response)
    assert "10 筆資料已檢查完畢" in page and "機關9" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Agency.id)).where(Agency.code.like("E%"))) == 0
    content = page[page.index('name="content" value="') + 22:]
    content = content[:content.index('"')]
    import html

    response = admin_client.post("/admin/agencies/import", data={
        "csrf_token": csrf_token(admin_client, "/admin/agencies/import"), "content": html.unescape(content)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Agency.id)).where(Agency.code.like("E%"))) == 10
        child = db.session.scalar(select(Agency).where(Agency.code == "E00000005"))
        assert child.parent_id is not None


def test_one_bad_row_refuses_the_whole_import_with_its_line(app, admin_client):
    bad = GOOD_CSV.replace("E00000007,機關7", "E00000007,")
    response = upload(admin_client, bad)
    assert response.status_code == 422
    page = page_of(response)
    assert "第 9 行" in page and "未匯入任何資料" in page
    assert "匯入這些機關" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Agency.id)).where(Agency.code.like("E%"))) == 0


def test_a_file_without_the_columns_is_explained(app, admin_client):
    response = upload(admin_client, "a,b\n1,2\n")
    assert response.status_code == 422 and "缺少" in page_of(response)


def test_invite_accept_answer_suspend_and_find_it_all_in_the_trail(app, admin_client, admin, staff, citizen,
                                                                    published_case, mailbox):
    response = post_form(admin_client, "/admin/users/invite", {"email": "clerk@agency-a.gov.tw", "role": "staff",
                                                               "agency": staff.agency_code})
    assert response.status_code == 302
    with app.app_context():
        deliver_pending(db.session)
    link = mailbox.link(mailbox.to("clerk@agency-a.gov.tw")[-1], "/invitations/")
    clerk = app.test_client()
    response = post_form(clerk, link, {"name": "新承辦人", "password": "short", "password_confirm": "short"})
    assert response.status_code == 422
    response = post_form(clerk, link, {"name": "新承辦人", "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 302
    assert clerk.get("/staff/").status_code == 200
    assert app.test_client().get(link).status_code == 400
    # The clerk answers an item of the agency.
    from tests.feedback.conftest import post

    number = post(app, citizen, published_case)[1]
    assert post_form(clerk, f"/staff/feedback/{number}", {"body": "本局答覆"}).status_code == 302
    with app.app_context():
        clerk_id = db.session.scalar(select(User.id).where(User.email == "clerk@agency-a.gov.tw"))
    response = post_form(admin_client, f"/admin/users/{clerk_id}/suspend", {"reason": "離職"},
                         form_page=f"/admin/users/{clerk_id}")
    assert response.status_code == 302
    assert clerk.get("/staff/").status_code == 302
    trail = page_of(admin_client.get("/admin/audit"))
    for action in ("寄出邀請", "接受邀請", "機關已回覆", "帳號停權", "新承辦人", "理由：離職"):
        assert action in trail
    csv = admin_client.get("/admin/audit.csv?action=account.").get_data(as_text=True)
    assert csv.startswith("\ufeff") and "帳號停權" in csv and "新承辦人" in csv
    assert "機關已回覆" not in csv


def test_invitations_can_be_resent_and_withdrawn(app, admin_client, mailbox):
    post_form(admin_client, "/admin/users/invite", {"email": "mod@example.tw", "role": "moderator"})
    with app.app_context():
        deliver_pending(db.session)
        from civic.accounts.models import Invitation

        invitation_id = db.session.scalar(select(Invitation.id))
    first = mailbox.link(mailbox.to("mod@example.tw")[-1], "/invitations/")
    post_form(admin_client, f"/admin/invitations/{invitation_id}/resend", {}, form_page="/admin/users")
    with app.app_context():
        deliver_pending(db.session)
    second = mailbox.link(mailbox.to("mod@example.tw")[-1], "/invitations/")
    assert app.test_client().get(first).status_code == 400
    assert app.test_client().get(second).status_code == 200
    post_form(admin_client, f"/admin/invitations/{invitation_id}/revoke", {}, form_page="/admin/users")
    assert app.test_client().get(second).status_code == 400


def test_invitations_need_a_valid_role_and_agency(app, admin_client, citizen):
    response = post_form(admin_client, "/admin/users/invite", {"email": "x@example.tw", "role": "staff"})
    assert response.status_code == 422 and "必須指定機關" in page_of(response)
    response = post_form(admin_client, "/admin/users/invite", {"email": citizen.email, "role": "moderator"})
    assert response.status_code == 422 and "已有帳號" in page_of(response)
    response = post_form(admin_client, "/admin/users/invite", {"email": "not-an-email", "role": "admin"})
    assert response.status_code == 422


def test_no_administrator_can_make_an_account_an_integrity_officer(app, admin_client, staff, citizen):
    """Else an admin could make an account they hold an officer of the authority and read every report."""
    response = post_form(admin_client, "/admin/users/invite",
                         {"email": "ethics@example.tw", "role": "integrity_officer", "agency": staff.agency_code})
    assert response.status_code == 422
    response = post_form(admin_client, f"/admin/users/{citizen.id}/role",
                         {"role": "integrity_officer", "agency": staff.agency_code},
                         form_page=f"/admin/users/{citizen.id}")
    assert response.status_code == 422
    with app.test_request_context():
        assert db.session.get(User, citizen.id).role == "citizen"
        assert db.session.scalar(select(Invitation.id).where(Invitation.email == "ethics@example.tw")) is None
        # The service refuses too, whatever a form offers.
        with pytest.raises(DomainError, match="命令列"):
            administration.change_role(db.session, db.session.get(User, citizen.id), role="integrity_officer",
                                       agency=db.session.get(User, staff.id).agency,
                                       actor=db.session.scalar(select(User).where(User.role == "admin")))


def test_admins_cannot_demote_or_suspend_themselves_and_the_last_admin_stays(app, admin_client, admin, citizen):
    response = post_form(admin_client, f"/admin/users/{admin.id}/role", {"role": "citizen", "agency": ""},
                         form_page=f"/admin/users/{admin.id}")
    assert response.status_code == 422 and "不能移除自己的管理者身分" in page_of(response)
    response = post_form(admin_client, f"/admin/users/{admin.id}/suspend", {"reason": "x"},
                         form_page=f"/admin/users/{admin.id}")
    assert response.status_code == 422
    response = post_form(admin_client, f"/admin/users/{citizen.id}/role", {"role": "moderator", "agency": ""},
                         form_page=f"/admin/users/{citizen.id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, citizen.id).role == "moderator"


def test_users_are_searchable(app, admin_client, citizen, staff):
    assert citizen.email in page_of(admin_client.get("/admin/users?q=citizen"))
    assert citizen.email not in page_of(admin_client.get("/admin/users?role=staff"))
    assert staff.email in page_of(admin_client.get(f"/admin/users?agency={staff.agency_code}"))
    assert admin_client.get("/admin/users?role=emperor").status_code == 400


def test_supplier_claims_are_confirmed_or_rejected(app, admin_client, citizen):
    with app.app_context():
        from civic.accounts.services import CompanyInput, get_or_create_company

        company = get_or_create_company(db.session, CompanyInput(ubn="90000012", name="申請公司"), actor_id=None)
        db.session.add(CompanyRepresentative(company_id=company.id, user_id=citizen.id))
        db.session.commit()
        claim_id = db.session.scalar(select(CompanyRepresentative.id))
    assert "申請公司" in page_of(admin_client.get("/admin/users"))
    post_form(admin_client, f"/admin/claims/{claim_id}/confirm", {}, form_page="/admin/users")
    with app.app_context():
        assert db.session.get(User, citizen.id).role == "supplier"


def test_failed_mail_is_listed_and_retried(app, admin_client, mailbox):
    with app.app_context():
        enqueue(db.session, "accounts.password_changed", to="x@example.tw", locale="en", context={"name": "X"})
        db.session.flush()
        message = db.session.scalar(select(OutboxMessage))
        message.status = OutboxStatus.failed
        message.last_error = "ConnectionRefusedError: mail server down"
        db.session.commit()
    page = page_of(admin_client.get("/admin/outbox"))
    assert "mail server down" in page
    assert "1 封信寄送失敗" in page_of(admin_client.get("/admin/"))
    post_form(admin_client, "/admin/outbox/retry", {}, form_page="/admin/outbox")
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.pending
        deliver_pending(db.session)
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outbox.retried"))
    assert mailbox.to("x@example.tw")


def test_the_audit_filters_explain_bad_input(app, admin_client):
    assert admin_client.get("/admin/audit?since=2024-13-40").status_code == 400
    assert admin_client.get("/admin/audit?actor=nobody@example.tw").status_code == 400
    assert admin_client.get("/admin/audit.csv?since=bad").status_code == 400
