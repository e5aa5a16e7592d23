"""Confidential reports from the reporter's side over HTTP: filing without an account (attachments
checked by their content, pictures stripped of their metadata, everything encrypted at rest),
following a report with its receipt and passphrase, messages both ways, the rate limits, and the
officers' mail that never carries a word of the report."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from civic.agencies.queries import get_agency_by_code
from civic.cases import queries as case_queries
from civic.core.audit import AuditEntry
from civic.core.roles import Role
from civic.core.time import utcnow
from civic.extensions import db, limiter
from civic.notifications.models import OutboxMessage
from civic.reports import attachments, intake, passphrases
from civic.reports.models import ConfidentialReport, ReportAttachment, ReportMessage, ReportStatus
from civic.web import page_cache
from tests.conftest import make_account
from tests.support import csrf_token, login

WHAT = "承辦人於開標前將底價告知特定廠商，並收受該廠商招待。"
WHO = "工務課王姓承辦人"
AUTHORITY = "A15070000"
NOT_FOUND_EN = "We found no report with this receipt and passphrase."
_RECEIPT = re.compile(r"data-receipt>([^<]+)<")
_PASSPHRASE = re.compile(r"data-passphrase>([^<]+)<")
_CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(output, "PNG")
    return output.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam Maker"
    exif[ExifTags.Base.Model] = "Model X-1"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (25.0, 2.0, 3.0),
                                  ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (121.0, 33.0, 4.0)}
    output = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(output, "JPEG", exif=exif.tobytes())
    return output.getvalue()


def pdf(padding: int = 0) -> bytes:
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n")
    return body + b"%" + b"0" * padding + b"\n%%EOF\n"


def file_report(client, files=(), environ=None, **fields):
    """POST a report with ``files`` (name, bytes) as the form's attachments."""
    data = {"csrf_token": csrf_token(client, "/report"), "body": WHAT, "who": "", "when": "", "how_known": "",
            "case": "", "agency": "", **fields}
    values = MultiDict(data)
    for name, content in files:
        values.add("attachments", FileStorage(io.BytesIO(content), filename=name,
                                              content_type="application/octet-stream"))
    # Encoded in memory: the test client spools a large body to a file it never closes.
    boundary, body = encode_multipart(values)
    return client.post("/report", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       environ_base=environ or {})


def keys_of(response) -> tuple[str, str]:
    page = response.get_data(as_text=True)
    return _RECEIPT.search(page).group(1), _PASSPHRASE.search(page).group(1)


def look_up(client, receipt: str, passphrase: str, **environ):
    token = csrf_token(client, "/report/status")
    return client.post("/report/status", data={"csrf_token": token, "receipt": receipt, "passphrase": passphrase},
                       environ_base=environ or {})


def write(client, receipt: str, passphrase: str, message: str):
    token = csrf_token(client, "/report/status")
    return client.post("/report/status/message", data={"csrf_token": token, "receipt": receipt,
                                                       "passphrase": passphrase, "message": message})


def report_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(ConfidentialReport.id)))


def stored(app, receipt: str) -> ConfidentialReport:
    with app.app_context():
        return db.session.scalar(select(ConfidentialReport).where(ConfidentialReport.receipt == receipt))


def english(client):
    client.get("/report?lang=en")
    return client


@pytest.fixture
def authority_officer(app):
    return make_account(app, "kao.mingde@authority.gov.tw", Role.integrity_officer, agency_code=AUTHORITY)


@pytest.fixture
def filed(app, client):
    response = file_report(client, who=WHO)
    assert response.status_code == 200
    return keys_of(response)


def test_an_anonymous_report_with_two_attachments_is_stored_as_ciphertext_only(app, client):
    picture, document = png(), pdf()
    assert b"\x00" in picture  # binary files carry NUL bytes, and the input gate lets them through
    response = file_report(client, files=[("現場照片.png", picture), ("底價紀錄.pdf", document)], who=WHO,
                           when="113年5月開標前", how_known="我是同課同事，親眼所見")
    assert response.status_code == 200
    receipt, passphrase = keys_of(response)
    assert passphrases.normalize_receipt(receipt) == receipt and receipt.startswith("R-")
    assert len(passphrase.split("-")) == 5
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        report = db.session.scalar(select(ConfidentialReport).where(ConfidentialReport.receipt == receipt))
        assert (report.what, report.who, report.status) == (WHAT, WHO, ReportStatus.received)
        assert report.agency_id is None and report.case_id is None
        assert report.year == utcnow().year or report.year == utcnow().year + 1
        files = db.session.scalars(select(ReportAttachment).where(ReportAttachment.report_id == report.id)
                                   .order_by(ReportAttachment.id)).all()
        assert [(f.filename, f.media_type) for f in files] == [("現場照片.png", "image/png"),
                                                               ("底價紀錄.pdf", "application/pdf")]
        assert files[1].content == document
        assert passphrase not in report.passphrase_hash
        raw = db.session.execute(text("select what, who, how_known, passphrase_hash from reports")).one()
        assert WHAT.encode() not in bytes(raw[0]) and WHO.encode() not in bytes(raw[1])
        assert "親眼所見".encode() not in bytes(raw[2]) and passphrase not in raw[3]
        for name, content in db.session.execute(text("select filename, content from report_attachments")):
            assert "底價紀錄".encode() not in bytes(name) and "現場照片".encode() not in bytes(name)
            assert b"%PDF" not in bytes(content) and b"IHDR" not in bytes(content)


def test_a_photographs_exif_and_gps_are_gone_before_it_is_stored(app, client):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    response = file_report(client, files=[("IMG_0001.jpg", original)])
    assert response.status_code == 200
    with app.app_context():
        kept = db.session.scalars(select(ReportAttachment)).one()
        assert kept.media_type == "image/jpeg"
        picture = Image.open(io.BytesIO(kept.content))
        assert picture.format == "JPEG" and picture.size == (64, 48)
        assert not picture.getexif() and "exif" not in picture.info
        assert b"Exif" not in kept.content and b"SpyCam" not in kept.content


@pytest.mark.parametrize("kind", ["PNG", "GIF", "WEBP"])
def test_other_pictures_lose_their_metadata_too(kind):
    source = Image.new("RGB", (20, 20), (0, 200, 0))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam Maker"
    output = io.BytesIO()
    source.save(output, kind, **({"comment": b"SpyCam Maker"} if kind == "GIF" else {"exif": exif.tobytes()}))
    assert b"SpyCam" in output.getvalue()
    cleaned = attachments.strip_picture(output.getvalue(), kind)
    assert b"SpyCam" not in cleaned and Image.open(io.BytesIO(cleaned)).format == kind


def test_a_program_renamed_as_a_pdf_is_refused_by_name_and_nothing_is_stored(app, client):
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    response = file_report(client, files=[("證據.pdf", program), ("ok.pdf", pdf())], who=WHO)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "證據.pdf" in page and "govuk-error-summary" in page
    assert report_count(app) == 0
    assert WHO in page and WHAT in page  # what was typed is shown again


def test_a_sixth_file_is_refused(app, client):
    response = file_report(english(client), files=[(f"page-{n}.pdf", pdf()) for n in range(6)])
    assert response.status_code == 422
    assert "Attach at most 5 files." in response.get_data(as_text=True)
    assert report_count(app) == 0


def test_a_file_over_ten_megabytes_is_refused_without_refusing_the_request(app, client):
    response = file_report(english(client), files=[("scan.pdf", pdf(padding=11 * 1024 * 1024))])
    assert response.status_code == 422
    assert "scan.pdf is larger than 10 MB." in response.get_data(as_text=True)
    assert report_count(app) == 0


def test_five_files_of_nearly_ten_megabytes_each_are_taken(app, client):
    big = pdf(padding=10 * 1024 * 1024 - 1000)
    response = file_report(client, files=[(f"scan-{n}.pdf", big) for n in range(5)])
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportAttachment.id))) == 5


def test_every_problem_is_shown_at_once_in_the_readers_language(app, client):
    response = file_report(english(client), body="", case="no-such-case", agency="X99999999",
                           when="昨天\x07", files=[("notes.txt", b"plain text notes")])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Describe what happened.", "We found no published case at this address.",
                    "Choose an agency from the list, or none.", "The text holds characters that cannot be saved.",
                    "notes.txt is not a PDF"):
        assert message in page
    assert report_count(app) == 0
    zh = file_report(app.test_client(), body="").get_data(as_text=True)
    assert "請描述發生的事。" in zh and "Describe what happened." not in zh


def test_a_case_brings_its_agency_and_a_different_agency_is_refused(app, client, published_case, other_agency_staff):
    with app.app_context():
        case = case_queries.get_case_by_slug(db.session, published_case)
        other = get_agency_by_code(db.session, other_agency_staff.agency_code)
        case_id, case_agency, other_code = case.id, case.agency_id, other.code
    refused = file_report(english(client), case=published_case, agency=other_code)
    assert refused.status_code == 422
    assert "The case belongs to another agency." in refused.get_data(as_text=True)
    receipt, _passphrase = keys_of(file_report(client, case=f"http://civic.test/cases/{published_case}"))
    report = stored(app, receipt)
    assert (report.case_id, report.agency_id) == (case_id, case_agency)


def test_a_case_page_link_starts_a_report_about_that_case(app, client, published_case):
    page = client.get(f"/report?case={published_case}").get_data(as_text=True)
    assert re.search(rf'name="case"[^>]*value="{published_case}"', page)


def test_an_agency_and_the_wish_to_keep_it_from_its_unit_are_kept(app, client, other_agency_staff):
    receipt, _passphrase = keys_of(file_report(client, agency=other_agency_staff.agency_code,
                                               withheld_from_agency="y", concerns_integrity_unit="y"))
    report = stored(app, receipt)
    assert report.withheld_from_agency and report.concerns_integrity_unit and not report.routed_to_agency


def test_the_officers_hear_of_a_report_without_a_word_of_it(app, client, authority_officer):
    response = file_report(client, who=WHO)
    receipt, passphrase = keys_of(response)
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage)).all()
        assert [(m.event, m.to_address) for m in mail] == [("reports.received", "kao.mingde@authority.gov.tw")]
        written = json.dumps([m.context for m in mail], ensure_ascii=False)
        for secret in (WHAT, WHO, receipt, passphrase):
            assert secret not in written


def test_the_agencys_own_unit_hears_only_when_the_reporter_lets_it(app, client, authority_officer,
                                                                   integrity_officer, published_case):
    def told() -> set[str]:
        with app.app_context():
            addresses = set(db.session.scalars(select(OutboxMessage.to_address)))
            db.session.query(OutboxMessage).delete()
            db.session.commit()
            return addresses

    told()
    assert file_report(client, case=published_case).status_code == 200
    assert told() == {"kao.mingde@authority.gov.tw", integrity_officer.email}
    assert file_report(client, case=published_case, withheld_from_agency="y").status_code == 200
    assert told() == {"kao.mingde@authority.gov.tw"}


def test_the_receipt_and_passphrase_open_the_report(app, client, filed):
    receipt, passphrase = filed
    response = look_up(english(client), receipt.lower().replace("-", " "), passphrase.upper().replace("-", " "))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Received" in page and receipt in page and "No messages yet" in page
    assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_passphrase_and_an_unknown_receipt_get_the_same_answer(app, client, filed):
    receipt, passphrase = filed
    english(client)
    wrong_passphrase = look_up(client, receipt, "apple-banana-cherry-delta-echo")
    unknown_receipt = look_up(client, "R-0000-0000", passphrase)
    assert wrong_passphrase.status_code == unknown_receipt.status_code == 404
    assert NOT_FOUND_EN in wrong_passphrase.get_data(as_text=True)

    def without_token(response) -> str:
        return _CSRF_VALUE.sub(r'\1"', response.get_data(as_text=True))

    # Each page keeps the receipt as typed, to be corrected; otherwise the two are the same to the byte.
    assert f'value="{receipt}"' in wrong_passphrase.get_data(as_text=True)
    assert (without_token(wrong_passphrase).replace(receipt, "RECEIPT")
            == without_token(unknown_receipt).replace("R-0000-0000", "RECEIPT"))


def test_status_lookups_are_limited_per_receipt_and_per_client_by_keyed_hashes(app, client, filed, monkeypatch):
    receipt, passphrase = filed
    monkeypatch.setitem(app.config, "REPORT_STATUS_RATE_LIMIT", "3 per hour")
    # One receipt tried from three addresses: the fourth try is refused, even with the right passphrase.
    statuses = [look_up(client, receipt, "wrong-words-for-this-one", REMOTE_ADDR=f"10.0.0.{n}").status_code
                for n in range(3)]
    assert statuses == [404, 404, 404]
    assert look_up(client, receipt, passphrase, REMOTE_ADDR="10.0.0.9").status_code == 429
    # One address trying three receipts: the fourth is refused.
    statuses = [look_up(client, f"R-0000-000{n}", passphrase, REMOTE_ADDR="10.9.9.9").status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]
    storage = getattr(limiter.storage, "storage", {})
    assert storage and not any("10.9.9.9" in key or receipt in key or "R-0000" in key for key in storage)


def test_a_reporter_who_knows_the_passphrase_is_never_stopped(app, client, filed, monkeypatch):
    receipt, passphrase = filed
    monkeypatch.setitem(app.config, "REPORT_STATUS_RATE_LIMIT", "2 per hour")
    assert [look_up(client, receipt, passphrase).status_code for _ in range(5)] == [200] * 5
    assert [look_up(client, receipt, "wrong-words-for-this-one").status_code for _ in range(3)] == [404, 404, 429]


def test_filing_is_limited_per_client(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_RATE_LIMIT", "2 per hour")
    assert [file_report(client).status_code for _ in range(3)] == [200, 200, 429]
    assert file_report(client, environ={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200


def test_messages_go_both_ways_and_officers_are_never_named(app, client, filed, authority_officer):
    receipt, passphrase = filed
    with app.app_context():
        report = db.session.scalar(select(ConfidentialReport).where(ConfidentialReport.receipt == receipt))
        db.session.add(ReportMessage(report_id=report.id, author_id=authority_officer.id, from_reporter=False,
                                     body="請問您是否保有當時的電子郵件？"))
        db.session.query(OutboxMessage).delete()
        db.session.commit()
    english(client)
    page = look_up(client, receipt, passphrase).get_data(as_text=True)
    assert "請問您是否保有當時的電子郵件？" in page and "Integrity officer" in page
    assert "kao.mingde" not in page
    response = write(client, receipt, passphrase, "有，我保留了三封信件。")
    sent = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your message has been sent to the integrity officers." in sent
    assert sent.index("請問您是否保有") < sent.index("有，我保留了三封信件。")
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        kept = db.session.scalars(select(ReportMessage).where(ReportMessage.from_reporter)).one()
        assert kept.body == "有，我保留了三封信件。" and kept.author_id is None
        mail = db.session.scalars(select(OutboxMessage)).all()
        assert [m.event for m in mail] == ["reports.reporter_wrote"]
        assert "三封信件" not in json.dumps([m.context for m in mail], ensure_ascii=False)


def test_a_message_with_a_wrong_passphrase_is_not_kept(app, client, filed):
    receipt, _passphrase = filed
    response = write(english(client), receipt, "not-the-right-words-at-all", "hello")
    assert response.status_code == 404 and NOT_FOUND_EN in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportMessage.id))) == 0


def test_an_empty_message_is_refused_on_the_status_page(app, client, filed):
    receipt, passphrase = filed
    response = write(english(client), receipt, passphrase, "   ")
    assert response.status_code == 422
    assert "Write your message." in response.get_data(as_text=True)


def test_a_closed_report_shows_why_and_takes_no_more_messages(app, client, filed):
    receipt, passphrase = filed
    with app.app_context():
        report = db.session.scalar(select(ConfidentialReport).where(ConfidentialReport.receipt == receipt))
        report.status, report.closed_at, report.closed_reason = ReportStatus.closed, utcnow(), "查無不法。"
        db.session.commit()
    english(client)
    page = look_up(client, receipt, passphrase).get_data(as_text=True)
    assert "Closed" in page and "查無不法。" in page and 'name="message"' not in page
    response = write(client, receipt, passphrase, "可是我還有新的證據。")
    assert response.status_code == 422
    assert "This report is closed, so it takes no more messages." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportMessage.id))) == 0


def test_every_page_says_no_store_and_none_is_shared_by_the_page_cache(app, client):
    for path in ("/report", "/report/status"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
    for endpoint in ("reports.new", "reports.status", "reports.message"):
        assert not getattr(app.view_functions[endpoint], "shared_with_anonymous_visitors", False)


def test_the_report_page_says_who_reads_a_report_and_what_is_kept(app, client):
    page = english(client).get("/report").get_data(as_text=True)
    for words in ("Who can read it", "Not your internet address, not your browser", "Documents are kept exactly",
                  'name="attachments"', "multiple"):
        assert words in page


@pytest.mark.parametrize("role", ["citizen", "supplier", "staff", "moderator", "admin",
                                  "integrity_officer"])
def test_signed_in_people_of_every_role_may_file_and_nothing_links_them(app, client, request, role):
    account = request.getfixturevalue(role)
    login(client, account)
    response = file_report(client)
    assert response.status_code == 200
    receipt, _passphrase = keys_of(response)
    columns = set(db.metadata.tables["reports"].columns.keys())
    assert not columns & {"user_id", "filed_by_id", "ip", "ip_address", "remote_addr", "user_agent"}
    assert stored(app, receipt).assigned_to_id is None


def test_filenames_are_tidied_and_kept_short():
    assert attachments.clean_filename("C:\\Users\\王小明\\Desktop\\證據.pdf") == "證據.pdf"
    assert attachments.clean_filename("../../etc/passwd\x07") == "passwd"
    long = attachments.clean_filename("長" * 300 + ".docx")
    assert len(long) == 200 and long.endswith(".docx")
    assert attachments.clean_filename("   ") == "attachment"


def test_passphrases_are_five_words_of_the_eff_list_and_read_as_people_type_them():
    phrase = passphrases.new_passphrase()
    words = phrase.split("-")
    assert len(words) == 5 and all(word in passphrases.wordlist() for word in words)
    # The list's 7,776 words less the four with a dash (yo-yo, t-shirt...), which would read as two.
    assert len(passphrases.wordlist()) == 7772 and all(word.isalpha() for word in passphrases.wordlist())
    assert passphrases.normalize_passphrase(f"  {' '.join(words).upper()} ") == phrase
    assert passphrases.verify_passphrase(passphrases.hash_passphrase(phrase), phrase.replace("-", " "))
    assert not passphrases.verify_passphrase(None, phrase)


def test_filing_writes_no_audit_row_no_log_line_and_no_page_cache_tag(app, caplog):
    caplog.set_level(logging.DEBUG)
    with app.test_request_context():
        before = db.session.scalar(select(func.count(AuditEntry.id)))
        report, passphrase = intake.file_report(db.session, intake.ReportInput(body=WHAT, who=WHO), [])
        assert not db.session.info.get(page_cache.STALE)
        receipt = report.receipt
        db.session.commit()
        assert db.session.scalar(select(func.count(AuditEntry.id))) == before
    for secret in (WHAT, WHO, receipt, passphrase):
        assert secret not in caplog.text


def test_a_refused_report_leaves_nothing_behind(app):
    with app.test_request_context():
        with pytest.raises(intake.ReportRefused) as refused:
            intake.file_report(db.session, intake.ReportInput(body="  ", case="nowhere"),
                               [attachments.Upload("a.exe", b"MZ" + b"\x00" * 64)])
        assert {error.field for error in refused.value.errors} == {"body", "case", "attachments"}
        assert not db.session.new
