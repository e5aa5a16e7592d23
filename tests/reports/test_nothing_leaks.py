"""Nothing of a confidential report leaves its encrypted columns: not the database dump, not the
logs, not the mail, the API, the search, the feeds or the bulk files. A report is filed over HTTP
into a database of its own, committed, and then everything the site keeps or says is searched for
the words the reporter wrote.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from civic.api import bulk_files
from civic.core.roles import Role
from civic.extensions import db
from civic.notifications.models import OutboxMessage
from civic.notifications.worker import deliver_pending
from civic.reports import crypto
from civic.reports.models import ConfidentialReport, ReportMessage
from tests.conftest import _empty_database, make_account, make_app
from tests.support import post_form

# What the reporter writes: each must be found nowhere but, encrypted, in its own column.
WHAT = "標案QZ7K承辦人收受回扣三百萬"
WHO = "證人名字QZ8M"
HOW = "親眼所見QZ9P"
FILENAME = "秘密文件QZ4T.pdf"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% inside: PDFWORDSQZ5V\ntrailer<<>>\n%%EOF\n"
REPLY = "補充說明QZ6W"
SECRETS = (WHAT, WHO, HOW, "QZ4T", "PDFWORDSQZ5V", REPLY)


@pytest.fixture
def private_site(database_kind: str, smtp_server, tmp_path_factory: pytest.TempPathFactory):
    """A site on a database of its own, whose commits stay, so the dump shows what was written."""
    with _empty_database(database_kind, tmp_path_factory, "private") as url:
        app = make_app(url, smtp_server.port)
        with app.app_context():
            upgrade()
        make_account(app, "ethics@aac.gov.tw", Role.integrity_officer, agency_code=app.config["AUTHORITY_AGENCY_CODE"])
        make_account(app, "ethics@agency-a.gov.tw", Role.integrity_officer, agency_code="A00000001")
        smtp_server.mailbox.clear()
        yield app, url
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _dump(url: str) -> bytes:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            dumped = "\n".join(connection.iterdump()).encode()
        return dumped + Path(path).read_bytes()
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    return subprocess.run([pg_dump, "--no-owner", url.replace("postgresql+psycopg", "postgresql")],
                          check=True, capture_output=True).stdout


def _file(app: Flask, client) -> tuple[str, str]:
    response = post_form(client, "/report", {
        "body": WHAT, "who": WHO, "how_known": HOW, "agency": "A00000001",
        "attachments": [(io.BytesIO(PDF), FILENAME, "application/pdf")],
    }, form_page="/report", content_type="multipart/form-data")
    assert response.status_code in (200, 201), response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    receipt = re.search(r"data-receipt[^>]*>\s*([^<\s]+)", page).group(1)
    passphrase = re.search(r"data-passphrase[^>]*>\s*([^<\s]+)", page).group(1)
    return receipt, passphrase


def test_a_report_is_only_ciphertext_in_the_dump_the_logs_the_mail_and_every_public_output(
        private_site, smtp_server, tmp_path, caplog):
    app, url = private_site
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        receipt, passphrase = _file(app, client)
        response = post_form(client, "/report/status/message", {"receipt": receipt, "passphrase": passphrase,
                                                                 "message": REPLY}, form_page="/report/status")
        assert response.status_code in (200, 302)
        with app.app_context():
            delivered = deliver_pending(db.session)
            db.session.commit()
    assert delivered

    with app.app_context():
        report = db.session.scalar(select(ConfidentialReport))
        # The words are there, for the officers: the test is not searching an empty database.
        assert (report.what, report.who, report.how_known) == (WHAT, WHO, HOW)
        assert db.session.scalar(select(ReportMessage.body)) == REPLY
        raw = db.session.execute(text("SELECT what FROM reports")).scalar_one()
        assert crypto.decrypt(bytes(raw)).decode() == WHAT
        outbox = [(m.to_address, repr(m.context), m.event) for m in db.session.scalars(select(OutboxMessage))]
    assert outbox, "the officers are told a report waits"

    dump = _dump(url)
    mails = "\n".join(message.as_string() for message in smtp_server.mailbox.messages)
    logs = "\n".join(record.getMessage() for record in caplog.records)
    for secret in SECRETS:
        assert secret.encode() not in dump, secret
        assert secret not in mails and secret not in repr(outbox), secret
        assert secret not in logs, secret
    assert receipt not in mails and receipt not in logs and passphrase not in logs
    assert passphrase.encode() not in dump

    # The public outputs: the API, the search, the feeds and the bulk files know nothing of it.
    for path in ("/api/v1/cases", "/api/v1/agencies", "/search?q=" + WHAT[:6], "/search?q=QZ7K",
                 "/feeds/cases.atom", "/commitments"):
        page = client.get(path).get_data(as_text=True)
        assert not any(secret in page for secret in SECRETS), path
    exports = tmp_path / "exports"
    exports.mkdir()
    with app.test_request_context():
        bulk_files.build(db.session, exports)
    for built in exports.rglob("*"):
        if built.is_file() and built.suffix != ".gz":
            content = built.read_bytes()
            assert not any(secret.encode() in content for secret in SECRETS), built.name
