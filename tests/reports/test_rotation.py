"""Key rotation: `reports rotate-key` re-encrypts every encrypted value of the reports' tables with the
newest key, after which the old key can go; it fails plainly without a usable REPORTS_KEY."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import undefer

from civic.core.short_ids import new_short_id
from civic.extensions import db
from civic.reports.models import ConfidentialReport, ReportAttachment, ReportMessage, ReportNote
from civic.reports.rotation import encrypted_columns

# Fixed, not generated: pytest-xdist's workers must collect the same parameters.
KEY_A = "YS1maXhlZC10ZXN0LWtleS1mb3Itcm90YXRpb24tMDE="
KEY_B = "Yi1maXhlZC10ZXN0LWtleS1mb3Itcm90YXRpb24tMDI="
WHAT = "監造單位在估驗時虛報數量。"
WHO = "工務所副所長"
MESSAGE = "請問是哪幾個月份？"
NOTE = "已調閱估驗紀錄。"
FILENAME = "估驗單.pdf"
CONTENT = b"%PDF-1.4\n% an attachment\n"


@contextlib.contextmanager
def reports_key(app, value: str) -> Iterator[None]:
    original = app.config.get("REPORTS_KEY")
    app.config["REPORTS_KEY"] = value
    try:
        yield
    finally:
        app.config["REPORTS_KEY"] = original


def rotate(app, keys: str):
    with reports_key(app, keys):
        return app.test_cli_runner().invoke(args=["reports", "rotate-key"])


@pytest.fixture
def report_id(app) -> int:
    """A report with a message, a note and an attachment, all encrypted under key A alone."""
    with reports_key(app, KEY_A), app.app_context():
        report = ConfidentialReport(receipt=new_short_id("R"), passphrase_hash="not-a-real-hash", year=2026,
                                    what=WHAT, who=WHO)
        db.session.add(report)
        db.session.flush()
        db.session.add_all([
            ReportMessage(report_id=report.id, from_reporter=False, body=MESSAGE),
            ReportNote(report_id=report.id, body=NOTE),
            ReportAttachment(report_id=report.id, filename=FILENAME, media_type="application/pdf",
                             size=len(CONTENT), content=CONTENT),
        ])
        db.session.commit()
        return report.id


def read_everything(report_id: int) -> tuple:
    report = db.session.get(ConfidentialReport, report_id)
    message = db.session.scalar(select(ReportMessage).where(ReportMessage.report_id == report_id))
    note = db.session.scalar(select(ReportNote).where(ReportNote.report_id == report_id))
    attachment = db.session.scalar(select(ReportAttachment).where(ReportAttachment.report_id == report_id)
                                   .options(undefer(ReportAttachment.content)))
    return (report.what, report.who, report.when, message.body, note.body, attachment.filename, attachment.content)


def test_every_encrypted_column_of_the_four_tables_is_rotated():
    assert encrypted_columns(ConfidentialReport) == ["what", "who", "when", "how_known", "closed_reason"]
    assert encrypted_columns(ReportMessage) == ["body"]
    assert encrypted_columns(ReportNote) == ["body"]
    assert encrypted_columns(ReportAttachment) == ["filename", "content"]


def test_after_rotation_the_new_key_alone_reads_everything_and_the_old_one_nothing(app, report_id):
    result = rotate(app, f"{KEY_B},{KEY_A}")
    assert result.exit_code == 0, result.output
    # what, who; the message; the note; the attachment's name and content. Empty columns stay empty.
    assert "values rotated: 6 in 4 rows, with the newest of 2 keys" in result.output
    with reports_key(app, KEY_B), app.app_context():
        assert read_everything(report_id) == (WHAT, WHO, None, MESSAGE, NOTE, FILENAME, CONTENT)
    with reports_key(app, KEY_A), app.app_context():
        with pytest.raises(InvalidToken):
            db.session.get(ConfidentialReport, report_id)
        with pytest.raises(InvalidToken):
            db.session.scalar(select(ReportAttachment.content).where(ReportAttachment.report_id == report_id))


def test_running_it_again_is_harmless(app, report_id):
    assert rotate(app, f"{KEY_B},{KEY_A}").exit_code == 0
    assert "values rotated: 6" in rotate(app, KEY_B).output
    with reports_key(app, KEY_B), app.app_context():
        assert read_everything(report_id)[0] == WHAT


def test_rows_are_taken_in_batches_and_every_batch_is_rotated(app, report_id):
    with reports_key(app, KEY_A), app.app_context():
        db.session.add_all([ReportAttachment(report_id=report_id, filename=f"{number}.png", media_type="image/png",
                                             size=len(CONTENT), content=CONTENT) for number in range(11)])
        db.session.commit()
    result = rotate(app, f"{KEY_B},{KEY_A}")
    assert "values rotated: 28 in 15 rows" in result.output
    with reports_key(app, KEY_B), app.app_context():
        contents = db.session.scalars(select(ReportAttachment.content)
                                      .where(ReportAttachment.report_id == report_id)).all()
        assert contents == [CONTENT] * 12


def test_nothing_to_rotate_says_so(app):
    result = rotate(app, f"{KEY_B},{KEY_A}")
    assert result.exit_code == 0
    assert "values rotated: 0 in 0 rows" in result.output


@pytest.mark.parametrize(("keys", "message"), [
    ("", "REPORTS_KEY is not set"),
    ("  , ", "REPORTS_KEY is not set"),
    ("not-a-fernet-key", "REPORTS_KEY holds a value that is not a Fernet key"),
    (f"{KEY_B},short", "REPORTS_KEY holds a value that is not a Fernet key"),
], ids=["empty", "only separators", "not a key", "a key and a short one"])
def test_a_missing_or_malformed_key_fails_plainly_and_changes_nothing(app, report_id, keys, message):
    result = rotate(app, keys)
    assert result.exit_code != 0
    assert message in result.output
    with reports_key(app, KEY_A), app.app_context():
        assert read_everything(report_id)[0] == WHAT


def test_a_value_no_key_reads_stops_the_rotation_naming_where_it_is(app, report_id):
    result = rotate(app, KEY_B)
    assert result.exit_code != 0
    assert f"reports.what of row {report_id} cannot be decrypted with any key in REPORTS_KEY" in result.output
    with reports_key(app, KEY_A), app.app_context():
        assert read_everything(report_id)[0] == WHAT
