"""Rules of filing and following a report found by review and by a tester: the same form sent twice
files one report, the authority's own officers cannot be kept from a report, crafted files cannot
exhaust memory, and a reporter's message always reaches someone."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select, update

from civic.accounts.models import User
from civic.core.time import utcnow
from civic.extensions import db
from civic.notifications.models import OutboxMessage
from civic.reports import attachments, intake
from civic.reports.models import ConfidentialReport
from tests.conftest import make_account
from tests.reports.test_reporting import AUTHORITY, csrf_token, file_report, keys_of, report_count, write


def test_the_same_form_sent_again_files_nothing_new_and_says_so(app, client):
    token = csrf_token(client, "/report")
    page = client.get("/report").get_data(as_text=True)
    submission = page.split('name="submission"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert len(submission) >= 16
    first = file_report(client, submission=submission, csrf_token=token)
    receipt, _passphrase = keys_of(first)
    again = file_report(client, submission=submission, csrf_token=token)
    shown = again.get_data(as_text=True)
    assert again.status_code == 200 and "data-already-filed" in shown
    assert receipt in shown and "data-passphrase" not in shown
    assert report_count(app) == 1
    # A new form (a new token) is a new report.
    assert file_report(client).status_code == 200 and report_count(app) == 2


def test_the_authoritys_own_officers_cannot_be_kept_from_a_report(app, client):
    make_account(app, "officer@authority.gov.tw", "integrity_officer", agency_code=AUTHORITY)
    response = file_report(client, agency=AUTHORITY, concerns_integrity_unit="y")
    assert response.status_code == 422
    assert "地方檢察署" in response.get_data(as_text=True)
    assert report_count(app) == 0


def _gif(frames: int, size: tuple[int, int]) -> bytes:
    pictures = [Image.new("RGB", size, (40 * n % 256, 255 - 30 * n % 256, 90)) for n in range(frames)]
    output = io.BytesIO()
    pictures[0].save(output, "GIF", save_all=True, append_images=pictures[1:], duration=50)
    return output.getvalue()


def test_an_animation_of_many_large_frames_is_refused_before_it_is_drawn(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PIXELS", 100 * 100 * 5)
    with pytest.raises(ValueError, match="too many pixels"):
        attachments.strip_picture(_gif(6, (100, 100)), "GIF")
    assert attachments.strip_picture(_gif(4, (100, 100)), "GIF").startswith(b"GIF")


def test_an_archive_whose_mimetype_entry_unpacks_huge_is_read_only_at_its_start():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("mimetype", "application/vnd.oasis.opendocument.text" + " " * 60_000_000)
    assert len(archive.getvalue()) < 200_000
    assert attachments.kind_of(archive.getvalue()) == "odt"


def test_a_reporters_message_reaches_every_reader_when_the_assigned_officer_cannot_read_it(app, client):
    officer = make_account(app, "officer@authority.gov.tw", "integrity_officer", agency_code=AUTHORITY)
    colleague = make_account(app, "colleague@authority.gov.tw", "integrity_officer", agency_code=AUTHORITY)
    receipt, passphrase = keys_of(file_report(client))
    with app.app_context():
        db.session.execute(update(ConfidentialReport).values(assigned_to_id=officer.id))
        db.session.execute(update(User).where(User.id == officer.id).values(suspended_at=utcnow()))
        db.session.query(OutboxMessage).delete()
        db.session.commit()
    assert write(client, receipt, passphrase, "補充：另有一份會議紀錄。").status_code == 200
    with app.app_context():
        told = db.session.scalars(select(OutboxMessage.to_address)
                                  .where(OutboxMessage.event == "reports.reporter_wrote")).all()
    assert told == [colleague.email]


def test_an_unknown_receipt_costs_the_time_of_a_wrong_passphrase(app, client, real_passwords):
    """At the production hash cost, the fastest of seven tries of each is within a factor of two: the
    time of an answer does not tell whether a receipt exists."""
    receipt, passphrase = keys_of(file_report(client))

    def timed(typed_receipt: str, typed_passphrase: str) -> float:
        with app.app_context():
            start = time.perf_counter()
            assert intake.open_report(db.session, typed_receipt, typed_passphrase) is None
            return time.perf_counter() - start

    # Taken in turns, and the fastest of each kept: on a busy machine the other processes only ever add
    # time, so the fastest tries are the ones that show what the check itself costs.
    wrong, unknown = [], []
    for _ in range(7):
        wrong.append(timed(receipt, "wrong-words-for-this-one"))
        unknown.append(timed("R-0000-0000", passphrase))
    wrong_passphrase, unknown_receipt = min(wrong), min(unknown)
    assert 0.5 < wrong_passphrase / unknown_receipt < 2.0
    assert wrong_passphrase > 0.02, "the check runs at the production cost"


def test_a_signed_in_reporters_session_is_not_touched_by_the_report_pages(app, client, citizen, published_case):
    from datetime import timedelta

    from civic.accounts.models import UserSession
    from tests.support import login, post_form

    login(client, citizen)
    earlier = utcnow() - timedelta(minutes=10)

    def last_seen():
        with app.app_context():
            return db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == citizen.id))

    with app.app_context():
        db.session.execute(update(UserSession).where(UserSession.user_id == citizen.id).values(last_seen_at=earlier))
        db.session.commit()
    assert file_report(client).status_code == 200 and client.get("/report/status").status_code == 200
    assert last_seen() == earlier
    # Elsewhere, a request that saves something notes the session's use.
    post_form(client, f"/cases/{published_case}/comments", {"body": "請問工期？"}, form_page=f"/cases/{published_case}")
    assert last_seen() > earlier


def test_the_status_page_offers_the_other_language_without_losing_the_report(app, client):
    receipt, passphrase = keys_of(file_report(client))
    page = client.post("/report/status", data={"csrf_token": csrf_token(client, "/report/status"),
                                               "receipt": receipt, "passphrase": passphrase}).get_data(as_text=True)
    switch = page.split("data-other-language", 1)[1].split("</form>", 1)[0]
    assert f'value="{receipt}"' in switch and 'lang="en"' in switch and "English" in switch
    action = page.split("data-other-language", 1)[0].rsplit('action="', 1)[1].split('"', 1)[0]
    english = client.post(action.replace("&amp;", "&"), data={"csrf_token": csrf_token(client, "/report/status"),
                                                               "receipt": receipt, "passphrase": passphrase})
    assert english.status_code == 200 and "Your report's status" in english.get_data(as_text=True)
