"""The integrity officers' inbox over HTTP: which officer reads which report, every role that is refused,
each action with its rules and its audit entry, every read on record, a list that decrypts nothing, and
an audit trail that never holds a word of a report."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from civic.agencies.queries import get_agency_by_code
from civic.cases.models import Case
from civic.core.audit import AuditEntry
from civic.core.roles import Role
from civic.core.short_ids import new_short_id
from civic.extensions import db
from civic.reports import crypto
from civic.reports.models import ConfidentialReport, ReportAttachment, ReportMessage, ReportNote
from tests.conftest import make_account
from tests.support import post_form, signed_in

AUTHORITY = "A15070000"
AGENCY_A = "A00000001"
AGENCY_B = "B00000002"
WHAT = "採購承辦人收受廠商紅包，金額約新臺幣二十萬元。"
WHO = "工務課某股長"
NOTE = "已調閱相關採購卷宗，待比對。"
MESSAGE = "請問您是否保有當時的通訊紀錄？"
REASON = "查無具體事證，予以結案。"
PDF = b"%PDF-1.4\n% a report's attachment\n"


@pytest.fixture
def authority_officer(app):
    return make_account(app, "officer@aac.gov.tw", Role.integrity_officer, agency_code=AUTHORITY)


@pytest.fixture
def other_agency_officer(app):
    return make_account(app, "integrity@agency-b.gov.tw", Role.integrity_officer, agency_code=AGENCY_B)


def make_report(app, agency_code: str | None = AGENCY_A, *, what: str = WHAT, withheld: bool = False,
                concerns: bool = False, case_slug: str | None = None, attachment: bool = False) -> int:
    """A report as intake leaves it, written straight to the database."""
    with app.app_context():
        agency = get_agency_by_code(db.session, agency_code) if agency_code else None
        if agency_code and agency is None:
            make_account(app, f"staff@{agency_code.lower()}.gov.tw", Role.staff, agency_code=agency_code)
            agency = get_agency_by_code(db.session, agency_code)
        case_id = db.session.scalar(select(Case.id).where(Case.slug == case_slug)) if case_slug else None
        report = ConfidentialReport(receipt=new_short_id("R"), passphrase_hash="not-a-real-hash", year=2026,
                                    agency_id=agency.id if agency else None, case_id=case_id, what=what, who=WHO,
                                    withheld_from_agency=withheld, concerns_integrity_unit=concerns)
        db.session.add(report)
        db.session.flush()
        if attachment:
            db.session.add(ReportAttachment(report_id=report.id, filename="紅包照片 \"1\".pdf",
                                            media_type="application/pdf", size=len(PDF), content=PDF))
        db.session.commit()
        return report.id


def stored(app, report_id: int) -> ConfidentialReport:
    with app.app_context():
        return db.session.get(ConfidentialReport, report_id)


def receipt(app, report_id: int) -> str:
    return stored(app, report_id).receipt


def listed(report_id: int) -> str:
    """How the inbox links a report: by its number, never its receipt."""
    return f'href="/integrity/{report_id}"'



def entries(app, report_id: int, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        statement = select(AuditEntry).where(AuditEntry.target_type == "report",
                                             AuditEntry.target_id == str(report_id))
        if action:
            statement = statement.where(AuditEntry.action == action)
        return list(db.session.scalars(statement.order_by(AuditEntry.id)))


def act(client, report_id: int, action: str, data: dict):
    return post_form(client, f"/integrity/{report_id}/{action}", data, form_page=f"/integrity/{report_id}")


# Who reads which report.


def test_the_authoritys_officers_read_every_report(app, authority_officer):
    reports = [make_report(app), make_report(app, withheld=True), make_report(app, concerns=True),
               make_report(app, AGENCY_B), make_report(app, None)]
    client = signed_in(app, authority_officer)
    listing = client.get("/integrity/").get_data(as_text=True)
    for report_id in reports:
        assert listed(report_id) in listing
        page = client.get(f"/integrity/{report_id}")
        # Officers never see the receipt: with it anyone could use up the reporter's tries.
        assert page.status_code == 200 and receipt(app, report_id) not in page.get_data(as_text=True)
        assert receipt(app, report_id) not in listing
    assert WHAT not in listing and WHO not in listing


def test_an_agencys_officers_read_only_the_reports_routed_to_their_unit(app, integrity_officer):
    routed = make_report(app)
    kept_from_unit = [make_report(app, withheld=True), make_report(app, concerns=True), make_report(app, AGENCY_B),
                      make_report(app, None)]
    client = signed_in(app, integrity_officer)
    listing = client.get("/integrity/").get_data(as_text=True)
    assert listed(routed) in listing
    page = client.get(f"/integrity/{routed}")
    assert page.status_code == 200 and WHAT in page.get_data(as_text=True)
    for report_id in kept_from_unit:
        assert listed(report_id) not in listing
        assert client.get(f"/integrity/{report_id}").status_code == 404
        assert act(client, report_id, "notes", {"note": NOTE}).status_code == 404
    assert client.get("/integrity/999999").status_code == 404


def test_the_page_says_why_the_agencys_unit_does_not_read_a_report(app, authority_officer):
    client = signed_in(app, authority_officer)
    for report_id, words in ((make_report(app), "由該機關的政風單位"), (make_report(app, withheld=True), "檢舉人要求"),
                             (make_report(app, concerns=True), "政風單位本身"), (make_report(app, None), "未指明機關")):
        assert words in client.get(f"/integrity/{report_id}").get_data(as_text=True)


def test_an_officer_of_another_agency_is_answered_404(app, other_agency_officer):
    report_id = make_report(app, attachment=True)
    client = signed_in(app, other_agency_officer)
    assert listed(report_id) not in client.get("/integrity/").get_data(as_text=True)
    assert client.get(f"/integrity/{report_id}").status_code == 404
    with app.app_context():
        attachment_id = db.session.scalar(select(ReportAttachment.id).where(ReportAttachment.report_id == report_id))
    assert client.get(f"/integrity/{report_id}/attachments/{attachment_id}").status_code == 404
    for action, data in (("status", {"status": "under_review"}), ("notes", {"note": NOTE}),
                         ("messages", {"message": MESSAGE}), ("assign", {"assignee": ""})):
        assert post_form(client, f"/integrity/{report_id}/{action}", data, form_page="/integrity/").status_code == 404
    assert stored(app, report_id).status == "received"
    assert entries(app, report_id) == []


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    report_id = make_report(app, attachment=True)
    for path in ("/integrity/", f"/integrity/{report_id}", f"/integrity/{report_id}/attachments/1"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        assert response.headers["Cache-Control"] == "no-store"
    response = client.post(f"/integrity/{report_id}/notes", data={"note": NOTE})
    assert response.status_code in (302, 400)
    assert entries(app, report_id) == []


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff", "other_agency_staff", "moderator", "admin"])
def test_no_other_role_reaches_the_inbox(app, request, role):
    """Staff of the report's own agency and administrators are refused like everyone else: the wall
    answers 403 before a report is even looked up."""
    report_id = make_report(app, attachment=True)
    client = signed_in(app, request.getfixturevalue(role))
    for path in ("/integrity/", f"/integrity/{report_id}", f"/integrity/{report_id}/attachments/1"):
        response = client.get(path)
        assert response.status_code == 403
        assert WHAT not in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
    for action, data in (("status", {"status": "under_review"}), ("notes", {"note": NOTE}),
                         ("messages", {"message": MESSAGE}), ("assign", {"assignee": ""})):
        assert post_form(client, f"/integrity/{report_id}/{action}", data, form_page="/account").status_code == 403
    assert stored(app, report_id).status == "received"
    assert entries(app, report_id) == []


def test_the_nav_shows_the_inbox_to_officers_only(app, integrity_officer, staff):
    assert 'href="/integrity/"' in signed_in(app, integrity_officer).get("/").get_data(as_text=True)
    assert 'href="/integrity/"' not in signed_in(app, staff).get("/").get_data(as_text=True)


# Reads on record.


def test_every_read_is_audited_without_its_content(app, integrity_officer):
    report_id = make_report(app, attachment=True)
    client = signed_in(app, integrity_officer)
    client.get("/integrity/")
    assert entries(app, report_id) == [], "the list is not a read"
    client.get(f"/integrity/{report_id}")
    client.get(f"/integrity/{report_id}")
    reads = entries(app, report_id, "report.read")
    assert len(reads) == 2
    assert {entry.actor_id for entry in reads} == {integrity_officer.id}
    assert all(entry.details == {} for entry in reads)
    with app.app_context():
        attachment_id = db.session.scalar(select(ReportAttachment.id).where(ReportAttachment.report_id == report_id))
    download = client.get(f"/integrity/{report_id}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    [downloaded] = entries(app, report_id, "report.attachment_read")
    assert downloaded.details == {"attachment": attachment_id}
    assert client.get(f"/integrity/{report_id}/attachments/{attachment_id + 1000}").status_code == 404
    # The page shows who read it and when.
    page = client.get(f"/integrity/{report_id}").get_data(as_text=True)
    # Newest first: this read, the download, and the two reads before it folded into one row.
    assert page.count('data-history="report.read"') == 2 and "（2 次）" in page and "integrity" in page


def test_an_attachment_of_another_report_is_not_served_through_this_one(app, integrity_officer, authority_officer):
    mine = make_report(app)
    hidden = make_report(app, withheld=True, attachment=True)
    with app.app_context():
        attachment_id = db.session.scalar(select(ReportAttachment.id).where(ReportAttachment.report_id == hidden))
    client = signed_in(app, integrity_officer)
    assert client.get(f"/integrity/{mine}/attachments/{attachment_id}").status_code == 404
    assert entries(app, mine, "report.attachment_read") == []


# The list.


def test_the_list_decrypts_nothing_and_runs_the_same_queries_for_any_number_of_reports(
        app, authority_officer, count_queries, monkeypatch, published_case):
    client = signed_in(app, authority_officer)
    make_report(app, case_slug=published_case)
    client.get("/integrity/")  # the first request of a client loads what later ones find ready

    def counted_queries() -> int:
        with count_queries() as statements:
            assert client.get("/integrity/").status_code == 200
        return len(statements)

    few = counted_queries()
    for number in range(6):
        make_report(app, AGENCY_B if number % 2 else AGENCY_A, case_slug=published_case if number % 3 else None)
    assert counted_queries() == few

    def refuse(token):
        raise AssertionError("the list decrypted a column")

    monkeypatch.setattr(crypto, "decrypt", refuse)
    page = client.get("/integrity/")
    assert page.status_code == 200 and page.get_data(as_text=True).count("data-report=") == 7


def test_the_list_is_paged_and_filtered_by_status(app, authority_officer):
    reports = [make_report(app) for _ in range(27)]
    client = signed_in(app, authority_officer)
    first = client.get("/integrity/").get_data(as_text=True)
    second = client.get("/integrity/?page=2").get_data(as_text=True)
    assert first.count("data-report=") == 25 and second.count("data-report=") == 2
    assert listed(reports[-1]) in first and listed(reports[0]) in second  # newest first
    act(client, reports[3], "status", {"status": "under_review"})
    under_review = client.get("/integrity/?status=under_review").get_data(as_text=True)
    assert under_review.count("data-report=") == 1 and listed(reports[3]) in under_review
    assert client.get("/integrity/?status=everything").status_code == 400
    assert client.get("/integrity/?page=0").status_code == 400


# Actions.


def test_a_report_moves_through_review_to_closing_and_back(app, integrity_officer):
    report_id = make_report(app)
    client = signed_in(app, integrity_officer)
    assert act(client, report_id, "status", {"status": "referred"}).status_code == 422
    assert stored(app, report_id).status == "received"

    assert act(client, report_id, "status", {"status": "under_review"}).status_code == 302
    assert stored(app, report_id).status == "under_review"

    refused = act(client, report_id, "status", {"status": "closed", "reason": "  "})
    assert refused.status_code == 422 and "請說明結案的理由。" in refused.get_data(as_text=True)
    assert stored(app, report_id).status == "under_review"

    assert act(client, report_id, "status", {"status": "closed", "reason": REASON}).status_code == 302
    report = stored(app, report_id)
    assert report.status == "closed" and report.closed_at is not None and report.closed_reason == REASON
    assert REASON in client.get(f"/integrity/{report_id}").get_data(as_text=True)

    assert act(client, report_id, "status", {"status": "under_review"}).status_code == 302
    report = stored(app, report_id)
    assert report.status == "under_review" and report.closed_at is None

    changes = [entry.details for entry in entries(app, report_id, "report.status_changed")]
    assert changes == [{"old": "received", "new": "under_review"}, {"old": "under_review", "new": "closed"},
                       {"old": "closed", "new": "under_review"}]
    assert all(entry.actor_id == integrity_officer.id for entry in entries(app, report_id, "report.status_changed"))


def test_refusals_are_in_the_officers_language(app, integrity_officer):
    report_id = make_report(app)
    client = signed_in(app, integrity_officer)
    client.get("/integrity/?lang=en")
    act(client, report_id, "status", {"status": "under_review"})
    closing = act(client, report_id, "status", {"status": "closed", "reason": ""}).get_data(as_text=True)
    assert "Say why the report is closed." in closing and "Error:" in closing
    empty = act(client, report_id, "notes", {"note": ""})
    assert empty.status_code == 422 and "Write the note first." in empty.get_data(as_text=True)


@pytest.mark.parametrize("action, field, model", [("notes", "note", ReportNote),
                                                   ("messages", "message", ReportMessage)])
def test_notes_and_messages_refuse_what_cannot_be_saved(app, integrity_officer, action, field, model):
    report_id = make_report(app)
    client = signed_in(app, integrity_officer)
    for typed, words in (("   ", "請先填寫"), ("字" * 10_001, "最多 10000 個字。"),
                         ("含有\x07控制字元", "內容含有無法儲存的字元。")):
        response = act(client, report_id, action, {field: typed})
        assert response.status_code == 422
        assert words in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(model.id))) == 0
    assert entries(app, report_id, "report.noted") == entries(app, report_id, "report.message_sent") == []


def test_a_note_stays_internal_and_a_message_goes_to_the_reporter(app, integrity_officer):
    report_id = make_report(app)
    client = signed_in(app, integrity_officer)
    assert act(client, report_id, "notes", {"note": NOTE}).status_code == 302
    assert act(client, report_id, "messages", {"message": MESSAGE}).status_code == 302
    with app.app_context():
        [note] = db.session.scalars(select(ReportNote).where(ReportNote.report_id == report_id))
        [message] = db.session.scalars(select(ReportMessage).where(ReportMessage.report_id == report_id))
        assert (note.body, note.author_id) == (NOTE, integrity_officer.id)
        assert (message.body, message.author_id, message.from_reporter) == (MESSAGE, integrity_officer.id, False)
        # Encrypted at rest: the table holds no plain text.
        raw = db.session.execute(text("SELECT body FROM report_notes")).scalar_one()
        assert NOTE.encode() not in bytes(raw) and NOTE[:4].encode() not in bytes(raw)
    page = client.get(f"/integrity/{report_id}").get_data(as_text=True)
    assert NOTE in page and MESSAGE in page
    [noted] = entries(app, report_id, "report.noted")
    [sent] = entries(app, report_id, "report.message_sent")
    assert noted.details == sent.details == {}


def test_a_report_is_assigned_only_to_an_officer_who_reads_it(app, integrity_officer, authority_officer,
                                                                other_agency_officer):
    report_id = make_report(app)
    withheld = make_report(app, withheld=True)
    client = signed_in(app, authority_officer)
    page = client.get(f"/integrity/{report_id}").get_data(as_text=True)
    assert f'value="{integrity_officer.id}"' in page and f'value="{other_agency_officer.id}"' not in page
    assert f'value="{integrity_officer.id}"' not in client.get(f"/integrity/{withheld}").get_data(as_text=True)

    assert act(client, report_id, "assign", {"assignee": str(other_agency_officer.id)}).status_code == 422
    assert act(client, withheld, "assign", {"assignee": str(integrity_officer.id)}).status_code == 422
    assert stored(app, report_id).assigned_to_id is None and stored(app, withheld).assigned_to_id is None

    assert act(client, report_id, "assign", {"assignee": str(integrity_officer.id)}).status_code == 302
    assert stored(app, report_id).assigned_to_id == integrity_officer.id
    listing = signed_in(app, integrity_officer).get("/integrity/").get_data(as_text=True)
    assert "integrity" in listing  # the officer's display name in the list
    assert act(client, report_id, "assign", {"assignee": ""}).status_code == 302
    assert stored(app, report_id).assigned_to_id is None
    assert [entry.details for entry in entries(app, report_id, "report.assigned")] == [
        {"user": integrity_officer.id}, {"user": None}]


def test_the_services_check_the_officer_again(app, integrity_officer, other_agency_officer, staff):
    from civic.accounts.models import User
    from civic.core.errors import PermissionDenied
    from civic.reports import services

    report_id = make_report(app)
    with app.test_request_context():
        report = db.session.get(ConfidentialReport, report_id)
        for account in (other_agency_officer, staff):
            actor = db.session.get(User, account.id)
            for call, arguments in ((services.add_note, (NOTE,)), (services.send_message, (MESSAGE,)),
                                    (services.change_status, ("under_review",)), (services.assign, (None,)),
                                    (services.record_read, ())):
                with pytest.raises(PermissionDenied):
                    call(db.session, report, *arguments, actor=actor)


def test_every_response_is_kept_by_no_cache(app, integrity_officer):
    report_id = make_report(app)
    client = signed_in(app, integrity_officer)
    for response in (client.get("/integrity/"), client.get(f"/integrity/{report_id}"),
                     client.get("/integrity/424242"), act(client, report_id, "notes", {"note": NOTE}),
                     act(client, report_id, "notes", {"note": ""})):
        assert response.headers["Cache-Control"] == "no-store"


def test_the_audit_trail_never_holds_a_word_of_a_report(app, integrity_officer):
    report_id = make_report(app, attachment=True)
    client = signed_in(app, integrity_officer)
    client.get(f"/integrity/{report_id}")
    act(client, report_id, "notes", {"note": NOTE})
    act(client, report_id, "messages", {"message": MESSAGE})
    act(client, report_id, "status", {"status": "under_review"})
    act(client, report_id, "status", {"status": "closed", "reason": REASON})
    act(client, report_id, "assign", {"assignee": str(integrity_officer.id)})
    recorded = entries(app, report_id)
    assert {entry.action for entry in recorded} >= {"report.read", "report.noted", "report.message_sent",
                                                    "report.status_changed", "report.assigned"}
    dumped = json.dumps([entry.details for entry in recorded], ensure_ascii=False)
    for written in (WHAT, WHO, NOTE, MESSAGE, REASON, "紅包", receipt(app, report_id)):
        assert written not in dumped


def test_the_audit_trail_names_the_report_actions_in_both_languages(app, admin, integrity_officer):
    report_id = make_report(app)
    act(signed_in(app, integrity_officer), report_id, "status", {"status": "under_review"})
    client = signed_in(app, admin)
    chinese = client.get("/admin/audit?target_type=report").get_data(as_text=True)
    assert "檢舉案狀態已變更" in chinese and "調查中" in chinese
    english = client.get("/admin/audit?target_type=report&lang=en").get_data(as_text=True)
    assert "Status of a report changed" in english and "Under review" in english
    assert WHAT not in chinese and WHAT not in english


def test_the_history_folds_an_officers_reads_in_a_row_and_names_each_status_change(app, integrity_officer):
    report_id = make_report(app)
    client = signed_in(app, integrity_officer)
    for _ in range(3):
        assert client.get(f"/integrity/{report_id}?lang=en").status_code == 200
    assert act(client, report_id, "status", {"status": "under_review"}).status_code == 302
    page = client.get(f"/integrity/{report_id}").get_data(as_text=True)
    history = page[page.index('id="section-history"'):]
    # Newest first: the read after the change, the change, then the four reads before it (three, and the
    # page the form was on) as one.
    assert history.count('data-history="report.read"') == 2
    assert "(4 times)" in history and "Received → Under review" in history
    with app.app_context():
        reads = db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "report.read"))
    assert reads == 5  # every read is still recorded
